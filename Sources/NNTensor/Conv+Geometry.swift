/// The sizes of a 2-d convolution or pooling window sliding over a batch of
/// images in PyTorch's layout, NCHW (`[N, C, H, W]`), checked once.
///
/// With kernel `kh × kw`, stride `sh × sw` and zero padding `ph × pw` on
/// each side, the output has
/// ```
/// OH = ⌊(H + 2·ph - kh) / sh⌋ + 1,   OW = ⌊(W + 2·pw - kw) / sw⌋ + 1
/// ```
/// positions. Every size comes from a script, so each sum and product is
/// overflow-checked and the unfolded columns `[N, C·kh·kw, OH·OW]` are
/// counted (and reserved) before anything is allocated.
public struct ConvGeometry: Equatable, Sendable {
    public let batch: Int, channels: Int, height: Int, width: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let padHeight: Int, padWidth: Int
    public let outHeight: Int, outWidth: Int

    /// Rows of the unfolded columns: `C · kh · kw`.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Output positions per image: `OH · OW`.
    public var positions: Int { outHeight * outWidth }
    /// The shape of the unfolded columns, `[N, C·kh·kw, OH·OW]` (PyTorch's `unfold`).
    public var columnsShape: [Int] { [batch, patchSize, positions] }
    /// The input's shape, `[N, C, H, W]`.
    public var inputShape: [Int] { [batch, channels, height, width] }

    /// Checks `input` (`[N, C, H, W]`) against the window and works out the
    /// output size; throws, naming `op` and the layout, for another rank, a
    /// zero channel or spatial size, a kernel or stride below 1, a negative
    /// padding, a kernel larger than the padded input, or sizes too large.
    /// `pads: false` (pooling) leaves padding out of the error's advice.
    public init(input: [Int], kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), op: String,
                pads: Bool = true) throws {
        guard input.count == 4 else {
            throw TensorError(op: op, "expects input of layout [N, C, H, W] (a batch of images with channels), got shape \(fmt(input))\(input.count == 3 ? "; add the batch axis with x.reshape([1, \(input.map(String.init).joined(separator: ", "))])" : input.count == 2 ? "; reshape flat images to [N, C, H, W] first, e.g. x.reshape([-1, 1, H, W])" : "")")
        }
        let (n, c, h, w) = (input[0], input[1], input[2], input[3])
        guard n >= 0, c >= 1, h >= 1, w >= 1 else {
            throw TensorError(op: op, "expects input of layout [N, C, H, W] with at least one channel, row and column, got shape \(fmt(input))")
        }
        guard kernel.0 >= 1, kernel.1 >= 1 else {
            throw TensorError(op: op, "kernel size must be >= 1, got \(kernel.0)x\(kernel.1)")
        }
        guard stride.0 >= 1, stride.1 >= 1 else {
            throw TensorError(op: op, "stride must be >= 1, got \(stride.0)x\(stride.1)")
        }
        guard padding.0 >= 0, padding.1 >= 0 else {
            throw TensorError(op: op, "padding must be >= 0, got \(padding.0)x\(padding.1)")
        }
        func padded(_ size: Int, _ pad: Int) throws -> Int {
            let (twice, o1) = pad.multipliedReportingOverflow(by: 2)
            let (total, o2) = size.addingReportingOverflow(twice)
            guard !o1, !o2, total <= Shape.maxElements else {
                throw TensorError(op: op, "padding \(pad) is too large for an input of size \(size)")
            }
            return total
        }
        let hp = try padded(h, padding.0), wp = try padded(w, padding.1)
        guard kernel.0 <= hp, kernel.1 <= wp else {
            throw TensorError(op: op, "kernel \(kernel.0)x\(kernel.1) is larger than the \(padding == (0, 0) ? "" : "padded ")input \(hp)x\(wp) (input shape \(fmt(input))); use a smaller kernel\(pads && padding == (0, 0) ? " or padding" : "") or larger images")
        }
        batch = n; channels = c; height = h; width = w
        kernelHeight = kernel.0; kernelWidth = kernel.1
        strideHeight = stride.0; strideWidth = stride.1
        padHeight = padding.0; padWidth = padding.1
        outHeight = (hp - kernel.0) / stride.0 + 1
        outWidth = (wp - kernel.1) / stride.1 + 1
        // C·kh·kw and OH·OW, then the whole columns tensor, without overflow.
        _ = try Shape.count([c, kernel.0, kernel.1], op: op)
        _ = try Shape.count([n, c * kernel.0 * kernel.1, outHeight, outWidth], op: op)
    }
}
