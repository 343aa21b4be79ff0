import Foundation
import NNFiles
import NNTensor
import Testing
@testable import NNLib

/// `TorchExport`: the generated Python text, line for line, its escaping,
/// the weights file, and the errors. (That PyTorch runs the file and gives
/// nn's outputs is `scripts/export-torch-test`, where torch is installed.)
@Suite struct TorchExportTests {
    func model() throws -> Sequential {
        var g = RandomGenerator(seed: 0)
        return Sequential(try Linear(3, 4, rng: &g), try BatchNorm(4), ReLU(),
                          Sequential(try Linear(4, 2, bias: false, dtype: .float32, rng: &g), Tanh()), LogSoftmax(axis: 1))
    }

    @Test func sourceLineForLine() throws {
        let text = try TorchExport.source(try model(), weightsFile: "net.safetensors", moduleName: "net")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "\"\"\"A PyTorch model exported by nn (export_torch): the nn model's layers, in order,")
        #expect(lines.contains("    from net import load"))
        #expect(lines.contains("    y = model(x)                   # x: a float32 tensor [N, 3]"))
        #expect(lines.contains("    model.load_state_dict(load_file(\"net.safetensors\"))"))
        let start = try #require(lines.firstIndex(of: "WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), \"net.safetensors\")"))
        let expected = """
        WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "net.safetensors")


        class Net(nn.Sequential):
            \"\"\"Exported from nn: 5 layers, 32 parameters.\"\"\"

            def __init__(self):
                super().__init__(
                    nn.Linear(3, 4, dtype=torch.float32),  # 0
                    nn.BatchNorm1d(4, eps=1e-05, momentum=0.1, dtype=torch.float32),  # 1
                    nn.ReLU(),  # 2
                    nn.Sequential(
                        nn.Linear(4, 2, bias=False, dtype=torch.float32),
                        nn.Tanh(),
                    ),  # 3
                    nn.LogSoftmax(dim=1),  # 4
                )


        def load(path=WEIGHTS, device="cpu", train=False):
            \"\"\"Net() with the weights of `path` (by default the file beside this one),
            loaded strictly (every name and shape must match), on `device`, in eval mode
            unless train=True.\"\"\"
            from safetensors.torch import load_file
            model = Net()
            model.load_state_dict(load_file(path), strict=True)
            return model.to(device).train(train)


        if __name__ == "__main__":
            print(load())

        """
        #expect(lines[start...].joined(separator: "\n") == expected)
    }

    @Test func singleLayerAndOptions() throws {
        var g = RandomGenerator(seed: 1)
        let text = try TorchExport.source(try LayerNorm([2, 3], eps: 0.001, elementwiseAffine: false), className: "Norm",
                                          weightsFile: "w.safetensors")
        #expect(text.contains("class Norm(nn.LayerNorm):"))
        #expect(text.contains("        super().__init__((2, 3), eps=0.001, elementwise_affine=False)"))
        let f64 = try TorchExport.source(try Linear(2, 1, dtype: .float64, rng: &g), weightsFile: "w.safetensors")
        #expect(f64.contains("        super().__init__(2, 1, dtype=torch.float64)"))
        let misc = try TorchExport.source(Sequential(try Dropout(0.25, rng: RandomSource(seed: 0)), LeakyReLU(slope: 0.2), GELU(),
                                                     Sigmoid(), Softmax(), Flatten(), try BatchNorm(2, eps: 1e-3, momentum: 0.25)),
                                          weightsFile: "w.safetensors")
        for line in ["nn.Dropout(p=0.25),  # 0", "nn.LeakyReLU(negative_slope=0.2),  # 1", "nn.GELU(),  # 2", "nn.Sigmoid(),  # 3",
                     "nn.Softmax(dim=-1),  # 4", "nn.Flatten(),  # 5", "nn.BatchNorm1d(2, eps=0.001, momentum=0.25, dtype=torch.float32),  # 6"] {
            #expect(misc.contains("            " + line + "\n"), "\(line)")
        }
    }

    /// A layer with weights used twice is one local, passed at each place.
    @Test func sharedLayerIsOneModule() throws {
        var g = RandomGenerator(seed: 2)
        let lin = try Linear(2, 2, rng: &g)
        let text = try TorchExport.source(Sequential(lin, ReLU(), lin, Sequential(lin)), weightsFile: "w.safetensors")
        #expect(text.contains("        shared_0 = nn.Linear(2, 2, dtype=torch.float32)  # layer 0, used more than once\n"))
        #expect(text.contains("            shared_0,  # 0\n            nn.ReLU(),  # 1\n            shared_0,  # 2\n"))
        #expect(text.contains("            nn.Sequential(\n                shared_0,\n            ),  # 3\n"))
    }

    /// A CNN's layers become PyTorch's convolutional layers with the same
    /// windows, and the docstring asks for images.
    @Test func convolutionalLayers() throws {
        var g = RandomGenerator(seed: 4)
        let m = Sequential(try Conv2d(1, 4, kernel: (3, 2), stride: (1, 2), padding: (1, 0), bias: false, rng: &g),
                           try BatchNorm2d(4, eps: 0.001, momentum: 0.2), try MaxPool2d(kernel: (2, 2)),
                           try AvgPool2d(kernel: (2, 1), stride: (1, 1)), Flatten())
        let text = try TorchExport.source(m, weightsFile: "w.safetensors")
        #expect(text.contains("nn.Conv2d(1, 4, (3, 2), stride=(1, 2), padding=(1, 0), bias=False, dtype=torch.float32),  # 0\n"))
        #expect(text.contains("nn.BatchNorm2d(4, eps=0.001, momentum=0.2, dtype=torch.float32),  # 1\n"))
        #expect(text.contains("nn.MaxPool2d((2, 2), stride=(2, 2)),  # 2\n"))
        #expect(text.contains("nn.AvgPool2d((2, 1), stride=(1, 1)),  # 3\n"))
        #expect(text.contains("x: a float32 tensor [N, 1, H, W] (a batch of images)"))
        #expect(m.stateDict.map(\.name) == ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
    }

    /// A Sequential inside itself is an error, never an endless walk.
    @Test func cycleIsAnError() throws {
        let s = Sequential(ReLU())
        s.append(s)
        defer { s.removeAllLayers() }  // the test's own cycle: break it
        #expect(throws: TensorError.self) { try TorchExport.source(s, weightsFile: "w.safetensors") }
    }

    @Test func unsupportedLayersAndNames() throws {
        let lambda = Sequential(ReLU(), Lambda("double") { $0 })
        let e = try #require(throws: TensorError.self) { try TorchExport.source(lambda, weightsFile: "w.safetensors") }
        #expect(e.message.hasPrefix("export_torch: layer '1' is the function 'double' used as a layer, which has no PyTorch equivalent"))
        #expect(e.message.hasSuffix("the layers that export are Sequential, Linear, BatchNorm, LayerNorm, Dropout, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, Flatten, Conv2d, MaxPool2d, AvgPool2d, BatchNorm2d"))
        for bad in ["", "9a", "class", "a-b", "é", "load", "torch", "Net "] {
            #expect(throws: TensorError.self, "\(bad)") { try TorchExport.source(ReLU(), className: bad, weightsFile: "w.safetensors") }
        }
        #expect(try TorchExport.weightsPath(for: "out/net.py") == "out/net.safetensors")
        #expect(try TorchExport.weightsPath(for: "NET.PY") == "NET.safetensors")
        for bad in ["net", ".py", "out/.py", "net.pyc", "net.py/"] {
            #expect(throws: (any Error).self, "\(bad)") { try TorchExport.weightsPath(for: bad) }
        }
        #expect(TorchExport.pythonModuleName("net.py") == "net")
        #expect(TorchExport.pythonModuleName("my net.py") == nil)
        #expect(TorchExport.pythonModuleName("import.py") == nil)
        #expect(TorchExport.pythonModuleName("NET.PY") == nil)
    }

    /// Whatever a file name holds, the source stays ASCII and the literal reads back.
    @Test func pythonStringEscapes() {
        #expect(TorchExport.pythonString("net.safetensors") == "\"net.safetensors\"")
        #expect(TorchExport.pythonString("a\"b\\c\nd\u{7F}é€😀") == #""a\"b\\c\nd\x7f\xe9\u20ac\U0001f600""#)
        let docName = TorchExport.docText("x\"\"\"y.safetensors")
        #expect(!docName.contains("\""))
        #expect(TorchExport.docText("a b.safetensors", quoted: true) == "WEIGHTS")
    }

    /// The weights file: the state dict in order, num_batches_tracked as I64, metadata format pt.
    @Test func weightsFile() throws {
        let m = try model()
        m.train()
        var g = RandomGenerator(seed: 7)
        _ = try m(Tensor.randn([5, 3], using: &g))
        let bytes = try TensorFiles.encodeSafetensors(TorchExport.weights(m))
        let headerLength = Int(TensorFiles.read(bytes, 0, as: UInt64.self))
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.contains("\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]"))
        #expect(header.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},\"0.weight\":{\"dtype\":\"F32\""))
        let back = try TensorFiles.decodeSafetensors(bytes, path: "f")
        #expect(back.tensors.map(\.name) == m.stateDictionary().map(\.name))
        let count = try #require(back.tensors.first { $0.name == "1.num_batches_tracked" }?.tensor)
        #expect(count.dtype == .int64 && count.int64s == [1])
    }

    /// An int64 tensor is stored as I64, exactly (beyond 2^53 too), and reads back as int64.
    @Test func int64StoredAsI64() throws {
        let big: [Int64] = [Int64.max, Int64.min, (1 << 53) + 1, -3]
        let archive = TensorArchive(tensors: [("n", try Tensor(shape: [4], int64s: big))])
        let bytes = try TensorFiles.encodeSafetensors(archive)
        let headerLength = Int(TensorFiles.read(bytes, 0, as: UInt64.self))
        #expect(String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self).contains("\"dtype\":\"I64\""))
        let back = try TensorFiles.decodeSafetensors(bytes, path: "f")
        #expect(back.tensors[0].tensor.int64s == big)
    }

    /// Export writes both files (through the atomic writer), the weights loadable by nn.
    @Test func exportWritesBoth() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-torch-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = try model()
        let written = try TorchExport.export(m, to: dir + "/net.py")
        #expect(written.weights == dir + "/net.safetensors")
        let text = try String(contentsOfFile: dir + "/net.py", encoding: .utf8)
        #expect(text == (try TorchExport.source(m, weightsFile: "net.safetensors", moduleName: "net")))
        let back = try TensorFiles.readSafetensors(dir + "/net.safetensors")
        #expect(back.metadata.map(\.key) == ["format"])
        // an unsupported layer writes nothing
        #expect(throws: TensorError.self) { try TorchExport.export(Sequential(Lambda { $0 }), to: dir + "/bad.py") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.py") && !FileManager.default.fileExists(atPath: dir + "/bad.safetensors"))
        // a source path the gate refuses (a folder, a symbolic link) is found before the weights are written
        try FileManager.default.createDirectory(atPath: dir + "/folder.py", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.py", withDestinationPath: dir + "/net.py")
        for name in ["folder", "link"] {
            #expect(throws: FileError.self, "\(name)") { try TorchExport.export(m, to: dir + "/\(name).py") }
            #expect(!FileManager.default.fileExists(atPath: dir + "/\(name).safetensors"), "\(name)")
        }
    }
}
