#!/usr/bin/env python3
"""Writes the hostile-input corpus (issue 15): Tests/hostile/<family>/<name>.nn.

Each file starts with comments the runner (scripts/hostile) reads:
    # hostile: exit 65|70        the clean error expected (syntax / runtime)
and the runner asserts that nn, under `ulimit -v` and a timeout, exits with
that code and names the file with line:col, never a signal or a hang.

A hostile operation that may legitimately succeed is followed by
`error("survived")`, so surviving it is the clean error asserted (exit 70):
what is tested is that the operation ends at all, cleanly.
Inputs over BIG_BYTES (deep nesting, 10 MB lines, big CSV files) are not kept
in git: scripts/hostile writes them into a temporary directory with
`generate.py --big DIR` on each run. After editing this file run it again
(no arguments): it rewrites every small case and fixture.
"""
import os, shutil

root = os.path.dirname(os.path.abspath(__file__))
cases = {}  # (family, name) -> (exit code, bytes)

def case(family, name, code, body, why=""):
    if isinstance(body, str):
        body = body.encode("utf-8")
    head = f"# hostile: {family}: {why or name}\n# hostile: exit {code}\n".encode()
    key = (family, name)
    assert key not in cases, key
    cases[key] = (code, head + body + (b"" if body.endswith(b"\n") else b"\n"))

def survive(family, name, body, why=""):
    case(family, name, 70, body.rstrip("\n") + '\nerror("survived")\n', why)

BIG = {"2p31": "2**31", "2p32": "2**32", "2p40": "2**40", "2p53": "2**53", "2p62": "2**62",
       "2p63": "2**63", "2p64": "2**64", "1e19": "1e19", "1e300": "1e300"}

# ---------------------------------------------------------------- sizes
for k, n in BIG.items():
    case("sizes", f"string_repeat_{k}", 70, f'let s = "ab" * {n}\nprint(len(s))\n', f'"ab" * {n}')
    case("sizes", f"list_repeat_{k}", 70, f'let l = [1, 2] * {n}\nprint(len(l))\n', f"[1, 2] * {n}")
    case("sizes", f"zeros_{k}", 70, f"let t = zeros([{n}])\nprint(t.shape)\n")
    case("sizes", f"zeros_square_{k}", 70, f"let t = zeros([{n}, {n}])\nprint(t.shape)\n")
    case("sizes", f"empty_mean_{k}", 70, f"let t = zeros([0, {n}]).mean(axis: 0)\nprint(t.shape)\n",
         f"zeros([0, {n}]).mean(axis: 0): an empty tensor's other dimensions")
    case("sizes", f"empty_sum_{k}", 70, f"let t = zeros([0, {n}]).sum(axis: 0)\nprint(t.shape)\n")
    case("sizes", f"empty_index_{k}", 70, f"let t = zeros([0, {n}, {n}])[:, 0]\nprint(t.shape)\n")
    case("sizes", f"confusion_{k}", 70,
         f"let m = confusion_matrix(tensor([0, 1, 2]), tensor([0, 1, 2]), classes: {n})\nprint(m.shape)\n")
    case("sizes", f"one_hot_{k}", 70, f"let m = one_hot(tensor([0, 1]), {n})\nprint(m.shape)\n")
    case("sizes", f"eye_{k}", 70, f"let m = eye({n})\nprint(m.shape)\n")
    case("sizes", f"arange_{k}", 70, f"let m = arange({n})\nprint(m.shape)\n")
    case("sizes", f"linspace_{k}", 70, f"let m = linspace(0, 1, count: {n})\nprint(m.shape)\n")
    case("sizes", f"randn_{k}", 70, f"let m = randn([{n}, 3])\nprint(m.shape)\n")
    case("sizes", f"linear_{k}", 70, f"let m = Linear({n}, 2)\nprint(m)\n")
    case("sizes", f"moons_{k}", 70, f"let d = moons({n})\nprint(d)\n")
    case("sizes", f"list_range_{k}", 70, f"let l = list(range({n}))\nprint(len(l))\n")
    case("sizes", f"reshape_{k}", 70, f"let t = zeros([4]).reshape([{n}, -1])\nprint(t.shape)\n")
for name, shape in {"product_2p64": "[2**32, 2**32]", "product_3x2p62": "[3, 2**62]",
                    "product_2p21_cubed": "[2**21, 2**21, 2**21]", "product_wraps_to_zero": "[2**32, 2**32, 0]",
                    "product_wraps_to_one": "[2**32 + 1, 2**32 - 1]", "rank_64_twos": "[2] * 64",
                    "negative_dim": "[-1]", "negative_dims": "[-2, -3]", "min_int_dim": "[-2**63]"}.items():
    for fn in ["zeros", "ones", "randn", "rand"]:
        case("sizes", f"{fn}_{name}", 70, f"let t = {fn}({shape})\nprint(t.shape)\n", f"{fn}({shape})")
    case("sizes", f"full_{name}", 70, f"let t = full({shape}, 1)\nprint(t.shape)\n")
    survive("sizes", f"reshape_to_{name}", f"let t = zeros([0]).reshape({shape})\nprint(t.shape)\n")
case("sizes", "oom_randn_30000_square", 70, "let t = randn([30000, 30000])\nlet u = t * 2\nprint(u.shape)\n",
     "randn([30000, 30000]) under ulimit -v: out of memory is an error")
case("sizes", "oom_many_1gib", 70, "let keep = []\nfor i in range(64) { keep.append(zeros([2**28])) }\nprint(len(keep))\n")
case("sizes", "oom_string_doubling", 70, 'let s = "x"\nfor i in range(64) { s = s + s }\nprint(len(s))\n')
case("sizes", "oom_list_doubling", 70, "let l = [0]\nfor i in range(64) { l = l + l }\nprint(len(l))\n")
case("sizes", "show_rank_50000", 70, "let t = zeros([1] * 50000)\nprint(t)\n", "showing a tensor of rank 50,000")
case("sizes", "show_rank_100000", 70, "let t = zeros([1] * 100000)\nprint(t)\nprint(undefined_name)\n")
survive("sizes", "str_rank_50000", "let t = zeros([1] * 50000)\nlet s = str(t)\nprint(len(s) > 0)\n")
case("sizes", "concat_empty_huge", 70,
     "let a = zeros([0, 2**62])\nlet t = concat([a, a, a], axis: 1)\nprint(t.shape)\n")
case("sizes", "concat_product_overflow", 70,
     "let a = zeros([0, 2**61])\nlet t = concat([a, a, a, a, a], axis: 1)\nprint(t.shape)\n")
survive("sizes", "stack_empty_huge", "let a = zeros([0, 2**62])\nlet t = stack([a, a, a])\nprint(t.shape)\n")
case("sizes", "matmul_empty_huge", 70, "let a = zeros([2**31, 0])\nlet t = matmul(a, zeros([0, 2**31]))\nprint(t.shape)\n")
case("sizes", "broadcast_empty_huge", 70, "let t = zeros([0, 1, 2**40]) + zeros([2**40, 1])\nprint(t.shape)\n")
case("sizes", "transpose_empty_huge", 70, "let t = zeros([0, 2**62]).transpose()\nprint(t.shape)\nprint(t.sum(axis: 1))\n")
case("sizes", "hist_bins_huge", 70, "hist(tensor([1, 2, 3]), bins: 2**40)\n")
case("sizes", "surface_resolution_huge", 70, "surface(fn(x, y) = x * y, resolution: 2**31)\n")
case("sizes", "plot_steps_huge", 70, "plot(fn(x) = x, steps: 2**40)\n")
case("sizes", "dataloader_batch_huge", 70,
     "let dl = DataLoader(zeros([3, 2]), batch_size: 2**62)\nfor b in dl { print(b) }\nerror(\"survived\")\n")
case("sizes", "spirals_classes_huge", 70, "let d = spirals(10, classes: 2**40)\nprint(d)\n")
case("sizes", "blobs_dim_huge", 70, "let d = blobs(10, dim: 2**40)\nprint(d)\n")
case("sizes", "blobs_centers_huge", 70, "let d = blobs(10, centers: 2**40)\nprint(d)\n")
case("sizes", "kfold_k_huge", 70, "let f = kfold(zeros([10, 2]), k: 2**62)\nprint(f)\n")
case("sizes", "round_digits_huge", 70, "print(round(1.5, digits: 2**62))\nerror(\"survived\")\n")
case("sizes", "string_index_huge", 70, 'print("abc"[2**62])\n')
case("sizes", "list_index_min", 70, "print([1, 2, 3][-2**63])\n")
case("sizes", "tensor_index_huge", 70, "print(zeros([3])[2**63])\n")
case("sizes", "slice_step_huge", 70, "print(zeros([3])[::2**63])\nprint([1, 2][::-2**63])\nerror(\"survived\")\n")
case("sizes", "unsqueeze_huge_axis", 70, "print(zeros([3]).unsqueeze(2**62))\n")
case("sizes", "sum_axis_min", 70, "print(zeros([3]).sum(axis: -2**63))\n")
case("sizes", "permute_huge", 70, "print(zeros([3, 2]).permute([2**62, 0]))\n")
case("sizes", "insert_huge", 70, "let l = [1]\nl.insert(2**62, 5)\nprint(l)\nerror(\"survived\")\n")
case("sizes", "randint_range_huge", 70, "print(randint(-2**63, 2**63, [3]))\nerror(\"survived\")\n")
case("sizes", "args_50000", 70, "fn f(x) = x\nf(" + ", ".join(["1"] * 50000) + ")\n")
case("sizes", "list_literal_200000", 70, "let l = [" + ", ".join(["1"] * 200000) + "]\nprint(len(l))\nerror(\"survived\")\n")
case("sizes", "tensor_literal_100000", 70, "let t = tensor([" + ", ".join(["0.5"] * 100000) + "])\nprint(t.shape)\nerror(\"survived\")\n")
case("sizes", "string_literal_10mb", 70, 'let s = "' + "a" * 10_000_000 + '"\nprint(len(s))\nerror("survived")\n')

# ---------------------------------------------------------------- nesting
for d in [257, 1000, 100_000, 1_000_000]:
    for name, o, c in [("paren", "(", ")"), ("bracket", "[", "]"), ("brace", "{", "}")]:
        case("nesting", f"{name}_closed_{d}", 65, "let x = " + o * d + "1" + c * d + "\n")
        case("nesting", f"{name}_open_{d}", 65, "let x = " + o * d + "1\n")
    case("nesting", f"mixed_{d}", 65, "print(" + "([{" * (d // 3) + "\n")
    case("nesting", f"minus_{d}", 65, "print(" + "-" * d + "1)\n")
    case("nesting", f"not_{d}", 65, "print(" + "not " * d + "true)\n")
    # Postfix chains are not nesting: up to Parser.maxHeight (4096) they parse
    # and fail at run time (nothing is defined); taller ones are refused.
    chain = 65 if d > 4096 else 70
    case("nesting", f"call_chain_{d}", chain, "print(f" + "()" * d + ")\n")
    case("nesting", f"index_chain_{d}", chain, "print(x" + "[0]" * d + ")\n")
    case("nesting", f"member_chain_{d}", chain, "print(x" + ".a" * d + ")\n")
for n in [4097, 100_000]:
    case("nesting", f"plus_chain_{n}", 65, "print(1" + " + 1" * n + ")\n")
    case("nesting", f"pow_chain_{n}", 65, "print(1" + " ** 1" * n + ")\n")
    case("nesting", f"and_chain_{n}", 65, "print(true" + " and true" * n + ")\n")
    case("nesting", f"compare_chain_{n}", 65, "print(1" + " < 2" * n + ")\n")
case("nesting", "if_else_chain_300", 65, "let x = " + "if true { " * 300 + "1" + " } else { 2 }" * 300 + "\n")
case("nesting", "for_depth_300", 65, "".join(f"for i{k} in range(1) {{\n" for k in range(300)) + "print(1)\n" + "}\n" * 300)
case("nesting", "fn_depth_300", 65, "".join(f"fn f{k}() {{\n" for k in range(300)) + "1\n" + "}\n" * 300)
case("nesting", "lambda_depth_1000", 65, "let f = " + "fn() = " * 1000 + "1\n")
case("nesting", "recursion_plain", 70, "fn f(n) = f(n + 1)\nf(0)\n", "unbounded recursion: stack overflow")
case("nesting", "recursion_block", 70, "fn f(n) {\n  let a = n + 1\n  return f(a)\n}\nf(0)\n")
case("nesting", "recursion_mutual", 70, "fn f(n) = g(n + 1)\nfn g(n) = f(n + 1)\nf(0)\n")
case("nesting", "recursion_lambda", 70, "let f = fn(n) = f(n + 1)\nf(0)\n")
case("nesting", "recursion_try", 70, "fn f(n) { try { return f(n + 1) } catch e { error(e) } }\nf(0)\n")
case("nesting", "recursion_in_map", 70, "fn f(n) = map([n], fn(x) = f(x + 1))\nf(0)\n",
     "recursion through a builtin's callback (native frames between nn calls)")
case("nesting", "recursion_in_sorted", 70, "fn f(n) = sorted([n, n + 1], by: fn(x) = f(x))\nf(0)\n")
case("nesting", "recursion_in_filter", 70, "fn f(n) = filter([n], fn(x) = len(f(x + 1)) > 0)\nf(0)\n")
case("nesting", "recursion_in_model", 70, "fn f(x) = model(x)\nlet model = Sequential(f)\nmodel(zeros([1, 2]))\n")
case("nesting", "recursion_in_grad", 70, "fn f(x) = grad(f)(x)\nf(tensor(1.0))\n")
for depth in [19000, 15000, 10000]:
    body = "n" + " + (0" * 120 + ")" * 120
    case("nesting", f"recursion_wide_body_{depth}", 70,
         f"fn f(n) = if n == 0 {{ 0 }} else {{ f(n - 1) + ({body}) * 0 }}\nprint(f({depth}))\nerror(\"survived\")\n",
         "a body nesting 120 expressions recursing under the call limit")
case("nesting", "deep_list_data_100000", 70,
     "let a = []\nfor i in range(100000) { a = [a] }\nprint(len(str(a)))\nerror(\"survived\")\n")
case("nesting", "deep_list_equal_100000", 70,
     "let a = []\nlet b = []\nfor i in range(100000) { a = [a]\n b = [b] }\nprint(a == b)\nerror(\"survived\")\n")
case("nesting", "deep_list_print_100000", 70,
     "let a = []\nfor i in range(100000) { a = [a] }\nprint(a)\nerror(\"survived\")\n")
case("nesting", "deep_list_copy_100000", 70,
     "let a = []\nfor i in range(100000) { a = [a] }\nlet b = copy(a)\nerror(\"survived\")\n")
case("nesting", "deep_list_sorted_100000", 70,
     "let a = []\nfor i in range(100000) { a = [a] }\nprint(sorted([a, a]))\nerror(\"survived\")\n")
case("nesting", "deep_list_tensor_100000", 70,
     "let a = [1]\nfor i in range(100000) { a = [a] }\nprint(tensor(a))\n")
case("nesting", "deep_list_contains_100000", 70,
     "let a = []\nfor i in range(100000) { a = [a] }\nprint(contains([a], a))\nerror(\"survived\")\n")
case("nesting", "self_containing_list", 70, "let a = [1]\na.append(a)\nprint(a)\nprint(a == a)\nerror(\"survived\")\n")
case("nesting", "deep_graph_1e6", 70,
     "let x = param(tensor(1.0))\nlet y = x\nfor i in range(1000000) { y = y * 1 }\nbackward(y)\nprint(x.grad)\nerror(\"survived\")\n")
case("nesting", "deep_closures_100000", 70,
     "let f = fn() = 0\nfor i in range(100000) { let g = f\n f = fn() = g() }\nf()\n")

# ---------------------------------------------------------------- encodings
bad = {"lone_continuation": b"\x80", "truncated_2": b"\xc3", "truncated_3": b"\xe2\x82", "truncated_4": b"\xf0\x9f\x98",
       "byte_ff": b"\xff", "byte_fe": b"\xfe", "overlong_nul": b"\xc0\x80", "overlong_slash": b"\xe0\x80\xaf",
       "surrogate": b"\xed\xa0\x80", "above_10ffff": b"\xf4\x90\x80\x80", "five_byte": b"\xf8\x88\x80\x80\x80",
       "latin1_e_acute": b"\xe9"}
for k, b in bad.items():
    case("encodings", f"in_string_{k}", 65, b'print("a' + b + b'")\n', "invalid UTF-8 inside a string literal")
    case("encodings", f"in_code_{k}", 65, b"let x = 1 " + b + b" 2\n", "invalid UTF-8 between tokens")
    case("encodings", f"in_comment_{k}", 65, b"# " + b + b"\nprint(1)\n", "invalid UTF-8 in a comment")
    case("encodings", f"at_eof_{k}", 65, b"print(1)\n" + b)
case("encodings", "bom_then_error", 70, b"\xef\xbb\xbfprint(1)\nprint(undefined_name)\n", "a BOM is skipped; the error after it")
case("encodings", "bom_twice", 65, b"\xef\xbb\xbf\xef\xbb\xbfprint(1)\n")
case("encodings", "bom_mid_file", 65, b"print(1)\n\xef\xbb\xbfprint(2)\n")
case("encodings", "utf16le_bom", 65, "print(1)\n".encode("utf-16"))
case("encodings", "utf16be", 65, "print(1)\n".encode("utf-16-be"))
case("encodings", "utf32", 65, "print(1)\n".encode("utf-32"))
case("encodings", "nul_in_code", 65, b"print(1)\x00print(2)\n")
case("encodings", "nul_in_string", 70, b'let s = "a\x00b"\nprint(len(s))\nerror("survived")\n')
case("encodings", "nul_in_comment", 70, b"# a\x00b\nerror(\"survived\")\n")
case("encodings", "nul_only", 65, b"\x00" * 100)
case("encodings", "binary_elf_header", 65, b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
case("encodings", "all_bytes", 65, bytes(range(256)) * 4)
case("encodings", "gzip_magic", 65, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
for k, ch in {"rlo": "\u202e", "zwj": "\u200d", "zwsp": "\u200b", "nbsp": "\u00a0", "ideographic_space": "\u3000",
              "greek_question_mark": "\u037e", "fullwidth_paren": "\uff08", "line_separator": "\u2028",
              "paragraph_separator": "\u2029", "soft_hyphen": "\u00ad", "bom_inside": "\ufeff",
              "replacement_char": "\ufffd", "private_use": "\ue000", "noncharacter": "\uffff",
              "combining_acute": "\u0301", "emoji": "\U0001f600", "cyrillic_a": "\u0430",
              "vertical_tab": "\x0b", "form_feed": "\x0c", "escape": "\x1b", "bell": "\x07", "del": "\x7f"}.items():
    case("encodings", f"char_{k}", 65, f"let x = 1{ch}2\nprint(x)\n", f"U+{ord(ch):04X} between tokens")
    # Only letters continue a name: every other character is refused (65).
    case("encodings", f"ident_{k}", 70 if ch.isalpha() else 65, f"let a{ch}b = 1\nprint(a{ch}b)\nerror(\"survived\")\n",
         f"U+{ord(ch):04X} inside an identifier: a letter continues the name, anything else is refused")
for k, esc in {"surrogate": r"\u{D800}", "above_max": r"\u{110000}", "huge": r"\u{FFFFFFFFFFFFFFFF}",
               "empty": r"\u{}", "unclosed": r"\u{41", "no_brace": r"\u0041", "bad_hex": r"\u{zz}",
               "unknown_escape": r"\q", "x_escape": r"\x41", "trailing_backslash": "\\"}.items():
    case("encodings", f"escape_{k}", 65, f'print("{esc}")\n', f"string escape {esc}")
case("encodings", "unterminated_string_eof", 65, 'print("abc\n')
case("encodings", "unterminated_string_10mb", 65, 'print("' + "a" * 10_000_000 + "\n")
case("encodings", "error_at_end_of_10mb_line", 65, "let x = " + "1 + " * 2_500_000 + ")\n",
     "an error on a 10 MB line: the caret window")
case("encodings", "cr_only_lines", 65, "print(1)\rprint(2)\rprint(undefined_name)\r")
case("encodings", "crlf_lines", 70, "print(1)\r\nprint(undefined_name)\r\n")
case("encodings", "tabs_before_error", 65, "\t\t\tlet x = )\n")
case("encodings", "long_identifier_1mb", 70, "let " + "a" * 1_000_000 + " = 1\nprint(b" + "a" * 1_000_000 + ")\n")
case("encodings", "combining_after_quote", 65, 'let s = "a"\u0301\nprint(s)\nerror("survived")\n')
case("encodings", "string_grapheme_huge", 70, 'let s = "e' + "\u0301" * 100_000 + '"\nprint(len(s))\nerror("survived")\n')

# ---------------------------------------------------------------- numbers at the edges
for k, lit in {"1e309": "1e309", "1e-400": "1e-400", "digits_400": "9" * 400, "digits_100000": "1" * 100000,
               "max_double": "1.7976931348623157e308", "denormal": "5e-324", "exp_huge": "1e99999999999999999999",
               "neg_zero": "-0.0"}.items():
    survive("numbers", f"literal_{k}", f"let x = {lit}\nprint(x)\n", f"the literal {lit[:40]}")
for k, bad_lit in {"exp_no_digits": "1e", "exp_sign_only": "1e+",
                   "hex": "0xZZ", "binary": "0b102", "two_exps": "1e5e5", "dot_only": ".",
                   "dots": "1.2.3"}.items():
    case("numbers", f"literal_{k}", 65, f"let x = {bad_lit}\nprint(x)\n", f"the malformed number {bad_lit}")
# Accepted forms: `1..2` is a range, `1_` is 1 (digit separators), `1.e5x`
# is the property e5x of 1 (a runtime error).
for k, lit in {"double_dot": "1..2", "underscore_end": "1_", "trailing_dot_e": "1.e5x"}.items():
    survive("numbers", f"literal_{k}", f"let x = {lit}\nprint(x)\n", f"the number-like {lit}")
# nn has no `//` or `<<`: refused by the parser.
for k, expr in {"int_div_zero": "1 // 0", "tensor_intdiv_zero": "tensor([1, 2]) // 0", "shift_like": "1 << 64"}.items():
    case("numbers", k, 65, f"print({expr})\n", expr)
for k, expr in { "mod_zero": "1 % 0", "mod_zero_neg": "-7 % 0",
                "div_zero": "1 / 0", "pow_huge": "2 ** 2**62", "pow_neg_frac": "(-8) ** (1/3)",
                "tensor_mod_zero": "tensor([1, 2]) % 0",
                "round_inf": "round(inf)", "round_digits_neg": "round(123.456, digits: -400)",
                "round_digits_frac": "round(1.5, digits: 0.5)", "index_fraction": "[1, 2, 3][1.5]",
                "index_2p53p1": "[1, 2, 3][2**53 + 1]", "index_neg_zero": "[1, 2, 3][-0.0]",
                "range_zero_step": "list(range(0, 10, step: 0))", "range_tiny_step": "list(range(0, 1, step: 1e-300))",
                "range_1e300": "list(range(1e300))", "arange_tiny_step": "arange(0, 1, step: 1e-300)",
                "arange_zero_step": "arange(0, 1, step: 0)", "arange_big_span": "arange(-1e308, 1e308)",
                "linspace_neg": "linspace(0, 1, count: -1)", "linspace_frac": "linspace(0, 1, count: 2.5)",
                "seed_neg": "seed(-1)", "seed_2p64": "seed(2**64)", "seed_frac": "seed(1.5)",
                "randint_empty": "randint(5, 5, [3])", "randint_reversed": "randint(5, 1, [3])",
                "randint_2p64": "randint(0, 2**64, [3])", "zeros_frac": "zeros([2.5])",
                "zeros_2p53p1": "zeros([2**53 + 1])", "eye_frac": "eye(2.5)", "one_hot_frac": "one_hot(tensor([0]), 1.5)",
                "one_hot_label_huge": "one_hot(tensor([1e30]), 2)", "one_hot_label_neg": "one_hot(tensor([-1]), 2)",
                "confusion_label_huge": "confusion_matrix(tensor([1e30, 0, 2]), tensor([0, 1, 2]), classes: 3)",
                "confusion_label_neg": "confusion_matrix(tensor([-1, 0, 2]), tensor([0, 1, 2]), classes: 3)",
                "item_float64_max_to_f32": "tensor([1e308], dtype: \"float32\").item()",
                "max_empty_list": "max([])", "min_empty_list": "min([])",
                "str_to_number_huge": 'number("1e999999")', "str_to_number_garbage": 'number("12abc")',
                "clamp_reversed": "clamp(tensor([1.0]), 2, 1)", "sqrt_neg_tensor": "sqrt(tensor([-1.0]))",
                "log_zero": "log(0)", "exp_1000": "exp(1000)", "float64_tiny_sum": "tensor([5e-324], dtype: \"float64\").sum()",
                "mean_int_overflow": "tensor([3e38, 3e38]).mean()", "sum_overflow": "tensor([3e38, 3e38]).sum()",
                "softmax_huge": "softmax(tensor([1e38, -1e38]))", "std_one": "tensor([1.0]).std()"}.items():
    survive("numbers", k, f"print({expr})\n", expr)

# ---------------------------------------------------------------- NaN and inf
for k, v in {"nan": "nan", "inf": "inf", "neg_inf": "-inf"}.items():
    for k2, expr in {"zeros": "zeros([{v}])", "zeros2": "zeros([2, {v}])", "list_repeat": "[1] * {v}",
                     "string_repeat": '"a" * {v}', "range": "list(range({v}))", "list_index": "[1, 2][{v}]",
                     "tensor_index": "zeros([2])[{v}]", "string_index": '"ab"[{v}]', "slice": "[1, 2, 3][{v}:]",
                     "reshape": "zeros([4]).reshape([{v}])", "one_hot": "one_hot(tensor([0]), {v})",
                     "confusion": "confusion_matrix(tensor([0]), tensor([0]), classes: {v})",
                     "linear": "Linear({v}, 1)", "eye": "eye({v})", "arange_stop": "arange(0, {v})",
                     "arange_step": "arange(0, 1, step: {v})", "linspace_count": "linspace(0, 1, count: {v})",
                     "randn": "randn([{v}])", "moons": "moons({v})", "seed": "seed({v})",
                     "round_digits": "round(1.5, digits: {v})", "sum_axis": "zeros([2]).sum(axis: {v})",
                     "loader_batch": "DataLoader(zeros([3, 2]), batch_size: {v})",
                     "kfold_k": "kfold(zeros([10, 2]), k: {v})", "hist_bins": "hist(tensor([1, 2]), bins: {v})",
                     "insert_at": "[1].insert({v}, 2)", "randint_high": "randint(0, {v}, [2])",
                     "unsqueeze": "zeros([2]).unsqueeze({v})"}.items():
        e = expr.format(v=v)
        survive("nan_inf", f"{k2}_{k}", f"print({e})\n", e)
survive("nan_inf", "for_range_inf", "for i in range(inf) { if i > 10 { break } }\n", "for i in range(inf)")
survive("nan_inf", "sorted_nans", "print(sorted([nan, 1, nan, 0, -inf, inf]))\n")
survive("nan_inf", "sorted_tensor_nans", "print(sorted(tolist(tensor([nan, 1, nan]))))\n")
survive("nan_inf", "argmax_nan", "print(tensor([nan, 1, nan]).argmax())\n")
survive("nan_inf", "max_nan", "print(max(tensor([1, nan])))\nprint(max([1, nan]))\n")
survive("nan_inf", "hist_nan_inf", "hist(tensor([nan, inf, -inf, 1]))\n")
survive("nan_inf", "hist_all_nan", "hist(tensor([nan, nan]))\n")
survive("nan_inf", "plot_nan", "plot(tensor([nan, inf, 1, -inf]))\n")
survive("nan_inf", "plot_fn_nan", "plot(fn(x) = log(x - 10), xlim: [-5, 5])\n")
survive("nan_inf", "surface_nan", "surface(fn(x, y) = nan)\n")
survive("nan_inf", "surface_inf_range", "surface(fn(x, y) = x, x: [-inf, inf])\n")
survive("nan_inf", "eigh_nan", "print(eigh(tensor([[nan, 0], [0, 1]])))\n")
survive("nan_inf", "eigvalsh_inf", "print(eigvalsh(tensor([[inf, 0], [0, 1]])))\n")
survive("nan_inf", "standardize_inf", "print(standardize(tensor([[inf, 1], [1, 1]])))\n")
survive("nan_inf", "sgd_lr_nan", "let p = param(tensor([1.0]))\nlet o = SGD([p], lr: nan)\nprint(o)\n")
survive("nan_inf", "fit_nan_data",
        "let m = Linear(2, 1)\nlet h = fit(m, mse, [tensor([[nan, 1]]), tensor([[1]])], epochs: 2, verbose: false)\nprint(h)\n")
survive("nan_inf", "confusion_nan_labels", "print(confusion_matrix(tensor([nan, 0]), tensor([0, 1]), classes: 2))\n")
survive("nan_inf", "one_hot_nan_label", "print(one_hot(tensor([nan]), 2))\n")
survive("nan_inf", "clamp_nan", "print(clamp(tensor([1.0]), nan, nan))\n")
survive("nan_inf", "split_ratio_nan", "print(split(zeros([10, 2]), [nan, 0.5]))\n")
survive("nan_inf", "cross_entropy_inf", "print(cross_entropy(tensor([[inf, -inf]]), tensor([0])))\n")
survive("nan_inf", "top_eig_nan", "print(top_eigenvalues(fn(x) = (x * nan).sum(), tensor([1.0, 2.0])))\n")

# ---------------------------------------------------------------- empty tensors
for k, expr in {"max": "zeros([0]).max()", "min": "zeros([0]).min()", "argmax": "zeros([0]).argmax()",
                "argmin": "zeros([0]).argmin()", "mean": "zeros([0]).mean()", "std": "zeros([0]).std()",
                "var": "zeros([0, 3]).var(axis: 0)", "item": "zeros([0]).item()", "softmax": "softmax(zeros([0]))",
                "log_softmax": "log_softmax(zeros([2, 0]))", "logsumexp": "zeros([0]).logsumexp()",
                "norm": "zeros([0]).norm()", "max_axis": "zeros([0, 3]).max(axis: 0)", "matmul": "matmul(zeros([0, 3]), zeros([3, 0]))",
                "matmul_mismatch": "matmul(zeros([2, 0]), zeros([3, 2]))", "eigh": "eigh(zeros([0, 0]))",
                "eigvalsh": "eigvalsh(zeros([0, 0]))", "concat": "concat([])", "stack": "stack([])",
                "concat_one_empty": "concat([zeros([0])])", "tensor_empty_list": "tensor([])",
                "tensor_ragged": "tensor([[1], []])", "tensor_empty_nested": "tensor([[], []])",
                "reshape_empty_neg": "zeros([0]).reshape([-1, 0])", "reshape_two_neg": "zeros([4]).reshape([-1, -1])",
                "linear_zero": "Linear(0, 0)(zeros([1, 0]))", "one_hot_empty": "one_hot(tensor([]), 0)",
                "confusion_empty": "confusion_matrix(tensor([]), tensor([]), classes: 2)",
                "cross_entropy_empty": "cross_entropy(zeros([0, 3]), zeros([0]))", "mse_empty": "mse(zeros([0]), zeros([0]))",
                "accuracy_empty": "accuracy(zeros([0, 3]), zeros([0]))", "loader_empty": "list(DataLoader(zeros([0, 2])))",
                "split_empty": "split(zeros([0, 2]))", "kfold_empty": "kfold(zeros([0, 2]))",
                "standardize_empty": "standardize(zeros([0, 2]))", "standardize_one_row": "standardize(zeros([1, 2]))",
                "hist_empty": "hist(zeros([0]))", "plot_empty": "plot(zeros([0]))", "plot_one": "plot(zeros([1]))",
                "summary_empty_seq": "summary(Sequential())", "empty_seq_call": "Sequential()(zeros([1, 2]))",
                "where_empty": "where(zeros([0]) > 0, zeros([0]), zeros([0]))", "eye_zero": "eye(0)",
                "randn_empty": "randn([0, 0, 0])", "transpose_rank3": "zeros([0, 1, 2]).transpose()",
                "flatten_empty": "zeros([0, 0]).flatten()", "squeeze_zero": "zeros([0]).squeeze(0)",
                "index_empty": "zeros([0])[0]", "slice_empty": "zeros([0])[5:]", "tolist_empty": "tolist(zeros([0, 2]))",
                "backward_empty": "backward(param(zeros([0])).sum())", "grad_empty": "grad(fn(x) = x.sum())(zeros([0]))",
                "hessian_empty": "hessian(fn(x) = x.sum(), zeros([0]))",
                "fit_empty": "fit(Linear(2, 1), mse, [zeros([0, 2]), zeros([0, 1])], epochs: 1, verbose: false)",
                "evaluate_empty": "evaluate(Linear(2, 1), zeros([0, 2]), zeros([0, 1]), mse)",
                "moons_zero": "moons(0)", "blobs_zero": "blobs(0)", "spirals_zero": "spirals(0)",
                "batchnorm_one": "BatchNorm(2)(zeros([1, 2]))", "layernorm_zero": "LayerNorm(0)(zeros([1, 0]))",
                "top_eig_empty": "top_eigenvalues(fn(x) = x.sum(), zeros([0]))"}.items():
    survive("empty", k, f"print({expr})\n", expr)

# ---------------------------------------------------------------- bad files (fixtures in Tests/hostile/fixtures/)
files = {"empty.csv": b"", "header_only.csv": b"a,b\n", "ragged.csv": b"a,b\n1,2\n3\n",
         "duplicate_header.csv": b"a,a\n1,2\n", "empty_header.csv": b"a,\n1,2\n", "text_cells.csv": b"a,b\n1,x\n",
         "invalid_utf8.csv": b"a,b\n1,\xff\n", "bom.csv": b"\xef\xbb\xbfa,b\n1,2\n", "nul.csv": b"a,b\n1\x00,2\n",
         "unterminated_quote.csv": b'a,b\n"1,2\n', "crlf_ragged.csv": b"a,b\r\n1,2\r\n3\r\n",
         "huge_numbers.csv": b"a,b\n1e400,-1e400\n", "nan_cells.csv": b"a,b\nnan,NA\n", "binary.csv": bytes(range(256)),
         "only_newlines.csv": b"\n\n\n\n", "only_commas.csv": b",,,,\n,,,,\n", "quotes.csv": b'"a""",b\n"1",2\n',
         "wide_header.csv": (",".join(f"c{i}" for i in range(100000)) + "\n" + ",".join(["1"] * 99999) + "\n").encode(),
         "long_field.csv": b"a\n" + b"1" * 5_000_000 + b"\n", "cr_only.csv": b"a,b\r1,2\r3,x\r",
         "utf16.csv": "a,b\n1,2\n".encode("utf-16")}
files_dir = os.path.join(root, "fixtures")
for fname in files:
    stem = fname[:-4]
    case("files", f"read_csv_{stem}", 70,
         f'let t = read_csv(script_dir() + "/../fixtures/{fname}")\nprint(t)\nerror("survived")\n', f"read_csv of {fname}")
    case("files", f"read_csv_{stem}_encode_drop", 70,
         f'let t = read_csv(script_dir() + "/../fixtures/{fname}", encode: true, missing: "drop")\nprint(t)\nerror("survived")\n')
for k, path in {"missing": '"no/such/file.csv"', "directory": "script_dir()", "dev_null": '"/dev/null"',
                "dev_zero": '"/dev/zero"', "dev_urandom": '"/dev/urandom"', "proc_self_mem": '"/proc/self/mem"',
                "empty_path": '""', "nul_in_path": '"a\\u{0}b.csv"', "long_path": '"' + "a" * 5000 + '.csv"',
                "root": '"/"', "number_path": "42", "list_path": "[1]", "tensor_path": "zeros([2])"}.items():
    case("files", f"read_csv_path_{k}", 70, f"let t = read_csv({path})\nprint(t)\nerror(\"survived\")\n", f"read_csv({path[:30]})")
for k, path in {"directory": "script_dir()", "missing_dir": '"/no/such/dir/x.svg"', "nul": '"a\\u{0}zzz.svg"',
                "jpg": '"never.jpg"', "empty": '""', "dev_full": '"/dev/full"',
                "root": '"/"', "proc": '"/proc/self/status"', "long": '"' + "a" * 5000 + '.svg"'}.items():
    case("files", f"savefig_{k}", 70, f"plot(tensor([1, 2, 3]))\nsavefig({path})\nerror(\"survived\")\n", f"savefig({path[:30]})")
    case("files", f"plot_file_{k}", 70, f"plot(tensor([1, 2, 3]), file: {path})\nerror(\"survived\")\n")
case("files", "savefig_huge_size", 70, 'plot(tensor([1, 2]))\nsavefig("hostile.svg", width: 2**40, height: 2**40)\nerror("survived")\n')
case("files", "savefig_nan_size", 70, 'plot(tensor([1, 2]))\nsavefig("hostile.svg", width: nan, height: -1)\nerror("survived")\n')
case("files", "savefig_png_huge_dpi", 70, 'plot(tensor([1, 2]))\nsavefig("hostile.png", width: 10000, height: 10000, dpi: 2400)\nerror("survived")\n')
case("files", "savefig_png_nan_dpi", 70, 'plot(tensor([1, 2]))\nsavefig("hostile.png", dpi: nan())\nerror("survived")\n')
case("files", "savefig_png_inf_dpi", 70, 'plot(tensor([1, 2]))\nsavefig("hostile.png", dpi: inf())\nerror("survived")\n')
case("files", "savefig_png_max", 70, 'plot(tensor([1, 2]))\nsavefig("hostile.png", width: 5000, height: 5000, dpi: 130)\nerror("survived")\n')
case("files", "plot_width_huge", 70, "plot(tensor([1, 2]), width: 2**40, height: 2**40, ascii: true)\nerror(\"survived\")\n")

BIG_BYTES = 16_000  # larger cases and fixtures are not kept in git

def big_fixture(name):
    return len(files[name]) > BIG_BYTES

def is_big(key):
    data = cases[key][1]
    return len(data) > BIG_BYTES or any(f"/fixtures/{n}".encode() in data for n in files if big_fixture(n))

def write(into=None):
    """Writes the small cases and fixtures here (kept in git), or with
    `into`, the big ones into that directory (scripts/hostile does so on each
    run, in a temporary directory)."""
    base = into or root
    big = into is not None
    if not big:
        for fam in {f for f, _ in cases}:
            shutil.rmtree(os.path.join(root, fam), ignore_errors=True)
    os.makedirs(os.path.join(base, "fixtures"), exist_ok=True)
    for fname, data in files.items():
        if big_fixture(fname) == big:
            with open(os.path.join(base, "fixtures", fname), "wb") as f:
                f.write(data)
    n = 0
    for key, (_, data) in cases.items():
        if is_big(key) != big:
            continue
        fam, name = key
        os.makedirs(os.path.join(base, fam), exist_ok=True)
        with open(os.path.join(base, fam, name + ".nn"), "wb") as f:
            f.write(data)
        n += 1
    print(f"{n} {'big ' if big else ''}cases written to {base}")

if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        write(sys.argv[2])
    elif len(sys.argv) == 1:
        write()
    else:
        sys.exit("usage: generate.py [--big DIR]")
