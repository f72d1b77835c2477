extension plinth_bytes {
    var string: String {
        guard let ptr, len > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: ptr, count: len), as: UTF8.self)
    }
    var array: [UInt8] {
        guard let ptr, len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: ptr, count: len))
    }
}

extension String {
    /// Calls `body` with a borrowed view of the string's UTF-8 (the host copies what it keeps).
    func withBytes<T>(_ body: (plinth_bytes) throws -> T) rethrows -> T {
        var copy = self
        return try copy.withUTF8 { try body(plinth_bytes(ptr: $0.baseAddress, len: $0.count)) }
    }
}

