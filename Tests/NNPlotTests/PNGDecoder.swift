import CZlib

/// A small PNG decoder for the tests: enough of the format to read back what
/// cairo writes and check its pixels (8-bit grey, RGB, grey+alpha and RGBA,
/// not interlaced). Every chunk's CRC is checked; the image data is inflated
/// with zlib and the five scanline filters are undone.
struct PNGImage {
    let width: Int
    let height: Int
    /// Samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    let channels: Int
    /// Row-major samples, `channels` per pixel.
    let samples: [UInt8]

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static let magic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The pixel at column `x`, row `y` as RGB (grey repeated; alpha dropped).
    func rgb(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let i = (y * width + x) * channels
        if channels < 3 { let v = Int(samples[i]); return (v, v, v) }
        return (Int(samples[i]), Int(samples[i + 1]), Int(samples[i + 2]))
    }

    /// Luma (0 black ... 255 white), Rec. 601: `0.299 r + 0.587 g + 0.114 b`.
    func brightness(_ x: Int, _ y: Int) -> Double {
        let p = rgb(x, y)
        return 0.299 * Double(p.r) + 0.587 * Double(p.g) + 0.114 * Double(p.b)
    }

    init(_ data: [UInt8]) throws {
        guard data.count >= 8, Array(data[0..<8]) == Self.magic else { throw Failure("no PNG signature") }
        var at = 8
        var header: (w: Int, h: Int, depth: UInt8, colour: UInt8, interlace: UInt8)?
        var compressed: [UInt8] = []
        var ended = false
        func u32(_ i: Int) -> Int { Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3]) }
        while at + 12 <= data.count, !ended {
            let length = u32(at)
            guard length <= data.count - at - 12 else { throw Failure("a chunk runs past the end") }
            let type = String(decoding: data[(at + 4)..<(at + 8)], as: UTF8.self)
            let body = Array(data[(at + 8)..<(at + 8 + length)])
            guard Self.crc(Array(data[(at + 4)..<(at + 8 + length)])) == UInt32(u32(at + 8 + length)) else {
                throw Failure("chunk \(type) fails its CRC")
            }
            switch type {
            case "IHDR":
                guard header == nil, at == 8, length == 13 else { throw Failure("IHDR is not the first chunk, or not 13 bytes") }
                header = (Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3]),
                          Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7]), body[8], body[9], body[12])
            case "IDAT": compressed += body
            case "IEND": ended = true
            default: break
            }
            at += 12 + length
        }
        guard let h = header else { throw Failure("no IHDR") }
        guard ended, at == data.count else { throw Failure("no IEND at the end") }
        guard h.depth == 8, h.interlace == 0 else { throw Failure("only 8-bit, non-interlaced images are read here") }
        let channels: Int
        switch h.colour {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw Failure("colour type \(h.colour) is not read here")
        }
        guard h.w > 0, h.h > 0, h.w <= 1 << 15, h.h <= 1 << 15 else { throw Failure("size \(h.w)x\(h.h)") }
        let stride = h.w * channels
        let raw = try Self.inflate(compressed, size: (stride + 1) * h.h)
        var out = [UInt8](repeating: 0, count: stride * h.h)
        for y in 0..<h.h {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(out[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(out[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(out[(y - 1) * stride + x - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure("scanline \(y) has filter \(filter)")
                }
                out[y * stride + x] = UInt8((v + predicted) & 0xFF)
            }
        }
        width = h.w
        height = h.h
        self.channels = channels
        samples = out
    }

    /// zlib data inflated to exactly `size` bytes.
    static func inflate(_ input: [UInt8], size: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var length = uLongf(size)
        let status = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &length, i.baseAddress, uLong(i.count)) }
        }
        guard status == Z_OK, Int(length) == size else { throw Failure("the image data does not inflate to \(size) bytes (zlib \(status))") }
        return out
    }

    /// The CRC-32 PNG puts after each chunk (zlib's).
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        UInt32(bytes.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) })
    }
}
