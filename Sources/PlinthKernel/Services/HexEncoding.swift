extension Sequence where Element == UInt8 {
    /// The bytes in lower-case hexadecimal, two digits each (digests, keyed hashes, ids).
    /// `String(format:)` per byte costs a formatter call each, on the signed-in path's hot hashes.
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
