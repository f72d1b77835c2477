import CPlinthABI

/// Bytes the host lends a plugin for one call: allocated here, freed all at once when the call
/// is over (the arena is released), so every `plinth_bytes` handed out stays valid until then.
final class Arena {
    /// Bytes are carved from blocks of this size (or one block per larger item), so a request's
    /// dozen small fields cost one allocation.
    static let blockSize = 4096
    private var blocks: [UnsafeMutableRawBufferPointer] = []
    private var used = blockSize

    private func take(_ count: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let start = (used + alignment - 1) & ~(alignment - 1)
        if let block = blocks.last, start + count <= block.count {
            used = start + count
            return block.baseAddress! + start
        }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: max(Self.blockSize, count), alignment: 16)
        blocks.append(block)
        used = count
        return block.baseAddress!
    }

    func bytes(_ text: String) -> plinth_bytes {
        var text = text
        return text.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ source: [UInt8]) -> plinth_bytes {
        source.withUnsafeBytes { bytes($0) }
    }

    func bytes(_ source: UnsafeRawBufferPointer) -> plinth_bytes {
        guard source.count > 0 else { return plinth_bytes(ptr: nil, len: 0) }
        let target = take(source.count, alignment: 1)
        target.copyMemory(from: source.baseAddress!, byteCount: source.count)
        return plinth_bytes(ptr: UnsafePointer(target.assumingMemoryBound(to: UInt8.self)), len: source.count)
    }

    func array(_ items: [plinth_bytes]) -> UnsafePointer<plinth_bytes>? {
        guard !items.isEmpty else { return nil }
        let target = take(MemoryLayout<plinth_bytes>.stride * items.count, alignment: MemoryLayout<plinth_bytes>.alignment)
        let typed = target.bindMemory(to: plinth_bytes.self, capacity: items.count)
        typed.initialize(from: items, count: items.count)
        return UnsafePointer(typed)
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
