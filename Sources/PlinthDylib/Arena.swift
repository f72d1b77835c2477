import CPlinthABI

/// Bytes the host lends a plugin for one call: allocated here, freed all at once when the call
/// is over (the arena is released), so every `plinth_bytes` handed out stays valid until then.
final class Arena {
    private var blocks: [UnsafeMutableRawBufferPointer] = []

    func bytes(_ text: String) -> plinth_bytes { bytes(Array(text.utf8)) }

    func bytes(_ source: [UInt8]) -> plinth_bytes {
        guard !source.isEmpty else { return plinth_bytes(ptr: nil, len: 0) }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 1)
        block.copyBytes(from: source)
        blocks.append(block)
        return plinth_bytes(ptr: UnsafePointer(block.baseAddress!.assumingMemoryBound(to: UInt8.self)), len: source.count)
    }

    func array(_ items: [plinth_bytes]) -> UnsafePointer<plinth_bytes>? {
        guard !items.isEmpty else { return nil }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: MemoryLayout<plinth_bytes>.stride * items.count, alignment: MemoryLayout<plinth_bytes>.alignment)
        let typed = block.bindMemory(to: plinth_bytes.self)
        _ = typed.initialize(from: items)
        blocks.append(block)
        return UnsafePointer(typed.baseAddress)
    }

    deinit {
        for block in blocks { block.deallocate() }
    }
}

extension plinth_bytes {
    /// The bytes as a Swift string (a copy); invalid UTF-8 is repaired.
    var string: String {
        guard let ptr, len > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: ptr, count: len), as: UTF8.self)
    }

    var array: [UInt8] {
        guard let ptr, len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: ptr, count: len))
    }
}

/// Host strings that must outlive every call (configuration values): allocated once, kept for
/// the life of the process, as the header promises.
enum Interned {
    static func bytes(_ text: String) -> plinth_bytes {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return plinth_bytes(ptr: nil, len: 0) }
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
        _ = block.initialize(from: utf8)
        return plinth_bytes(ptr: UnsafePointer(block.baseAddress), len: utf8.count)
    }
}
