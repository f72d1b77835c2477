/// A JavaScript object's own properties in JavaScript's order: array-index keys (`"0"`, `"12"`)
/// first in ascending order, then the others in insertion order.
///
/// Small objects (most workflow configs and states) are searched linearly; an index is built
/// once an object grows past ``indexThreshold`` keys.
public struct ScriptObject: Sendable, Sequence {
    public private(set) var keys: [String] = []
    public private(set) var values: [ScriptValue] = []
    /// By code units, as JavaScript tells keys apart (see ``UnitKey``).
    private var index: [UnitKey: Int]? = nil
    private static let indexThreshold = 32

    public init() {}
    public init(minimumCapacity: Int) {
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public func position(of key: String) -> Int? {
        if let index { return index[UnitKey(key)] }
        return keys.firstIndex { UnitText.equal($0, key) }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    /// The value of `key`; `undefined` when absent. Setting stores the value, `undefined` too
    /// (the key exists, as `o.k = undefined` leaves it); ``removeValue(forKey:)`` deletes.
    public subscript(key: String) -> ScriptValue {
        get { position(of: key).map { values[$0] } ?? .undefined }
        set {
            if let at = position(of: key) { values[at] = newValue; return }
            insert(key, newValue)
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> ScriptValue? {
        guard let at = position(of: key) else { return nil }
        keys.remove(at: at)
        let old = values.remove(at: at)
        if index != nil {
            if keys.count <= ScriptObject.indexThreshold { index = nil } else {
                index![UnitKey(key)] = nil
                for later in at..<keys.count { index![UnitKey(keys[later])] = later }
            }
        }
        return old
    }

    /// Every key of `other` set on this one, in `other`'s order (`{...this, ...other}`).
    public mutating func merge(_ other: ScriptObject) {
        var hint = 0
        for (key, value) in other { set(key, value, hint: &hint) }
    }

    /// `{...first, ...second}` built in one pass: `first`'s keys in its order (with `second`'s
    /// value where both have one), then `second`'s other keys. Linear in `second`, which is
    /// the large one where the engine uses it (edge data spread under the whole state).
    public static func spreading(_ first: ScriptObject, under second: ScriptObject) -> ScriptObject {
        if first.isEmpty { return second }
        var out = ScriptObject(minimumCapacity: first.count + second.count)
        for (key, value) in first {
            out.keys.append(key)
            out.values.append(second.position(of: key).map { second.values[$0] } ?? value)
        }
        for (key, value) in second where first.position(of: key) == nil {
            out.keys.append(key)
            out.values.append(value)
        }
        // Array-index keys go first in JavaScript's order: let the general path place them.
        if out.keys.contains(where: { ScriptObject.arrayIndex($0) != nil }) {
            var ordered = first
            ordered.merge(second)
            return ordered
        }
        out.rebuildIndex()
        return out
    }

    /// Sets `key`, looking first where the previous key of an ordered walk was found: merging
    /// a copy of this object back (what the engine does after every node) is then linear.
    public mutating func set(_ key: String, _ value: ScriptValue, hint: inout Int) {
        if hint < keys.count, UnitText.equal(keys[hint], key) {
            values[hint] = value
            hint += 1
            return
        }
        if let at = position(of: key) {
            values[at] = value
            hint = at + 1
            return
        }
        insert(key, value)
        hint = keys.count
    }

    /// Whether both share their storage (a copy never changed since): equal without a walk.
    func isIdentical(to other: ScriptObject) -> Bool {
        keys.count == other.keys.count && Self.sameBuffer(keys, other.keys) && Self.sameBuffer(values, other.values)
    }

    static func sameBuffer<T>(_ a: [T], _ b: [T]) -> Bool {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    /// The value at `position`, which must be valid.
    func value(at position: Int) -> ScriptValue { values[position] }

    public func merging(_ other: ScriptObject) -> ScriptObject {
        var copy = self
        copy.merge(other)
        return copy
    }

    public func makeIterator() -> Zip2Sequence<[String], [ScriptValue]>.Iterator {
        zip(keys, values).makeIterator()
    }

    private mutating func insert(_ key: String, _ value: ScriptValue) {
        if let number = ScriptObject.arrayIndex(key) {
            // After the index keys that are smaller, before every other key.
            var at = 0
            while at < keys.count, let other = ScriptObject.arrayIndex(keys[at]), other < number { at += 1 }
            keys.insert(key, at: at)
            values.insert(value, at: at)
            rebuildIndex()
            return
        }
        keys.append(key)
        values.append(value)
        if index != nil { index![UnitKey(key)] = keys.count - 1 } else if keys.count > ScriptObject.indexThreshold { rebuildIndex() }
    }

    private mutating func rebuildIndex() {
        guard keys.count > ScriptObject.indexThreshold else { index = nil; return }
        var built: [UnitKey: Int] = [:]
        built.reserveCapacity(keys.count)
        for (at, key) in keys.enumerated() { built[UnitKey(key)] = at }
        index = built
    }

    /// The key as an array index (a canonical decimal below 2³² − 1), as JavaScript orders it.
    static func arrayIndex(_ key: String) -> UInt32? {
        let utf8 = key.utf8
        guard let first = utf8.first, first >= 0x30, first <= 0x39, utf8.count <= 10 else { return nil }
        if first == 0x30 { return utf8.count == 1 ? 0 : nil }
        var value: UInt64 = 0
        for byte in utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value < 4_294_967_295 ? UInt32(value) : nil
    }
}

extension ScriptObject: Hashable {
    /// Equal when they hold the same keys with equal values, in any order.
    public static func == (lhs: ScriptObject, rhs: ScriptObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs {
            guard let at = rhs.position(of: key), rhs.values[at] == value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        var sum = 0
        for (key, value) in self {
            var pair = Hasher()
            pair.combine(key)
            pair.combine(value)
            sum = sum &+ pair.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension ScriptObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, ScriptValue)...) {
        self.init(minimumCapacity: elements.count)
        for (key, value) in elements { self[key] = value }
    }
}
