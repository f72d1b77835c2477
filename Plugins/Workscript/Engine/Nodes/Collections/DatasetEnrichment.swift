/// `compareDatasets`' `enrich` mode. Upstream copies each `input1` row shallowly, so the
/// arrays in it are the rows' own arrays (and, for added fields, `input2`'s): `merge_arrays`
/// appends to them in place. The arrays are tracked by where they live (list, row, key) so
/// that every row holding one sees every append, and the lists themselves end up changed as
/// upstream's do; when both lists are the same state value they share their arrays.
extension DatasetJoin {
    struct Origin: Hashable {
        let second: Bool
        let row: Int
        let key: String
    }

    /// - Parameter sameLists: `input1` and `input2` are one and the same array.
    mutating func enrich(_ pick2: ScriptValue, _ strategy: ScriptValue, sameLists: Bool) throws(CaughtScriptError) -> [ScriptValue] {
        let map = try groups()
        var arrays: [Origin: [ScriptValue]] = [:]
        var rows: [(ScriptObject, [String: Origin])] = []
        func origin(second: Bool, _ row: Int, _ key: String) -> Origin { Origin(second: second && !sameLists, row: row, key: key) }
        func current(_ value: ScriptValue, _ place: Origin) -> ScriptValue {
            guard case .array = value else { return value }
            return arrays[place].map { .array($0) } ?? value
        }

        for (index, row) in first.enumerated() {
            var enriched = ItemAccess.spread(row)
            var places: [String: Origin] = [:]
            for (key, value) in enriched where value.arrayValue != nil {
                places[key] = origin(second: false, index, key)
                enriched[key] = current(value, places[key]!)
            }
            for match in map[UnitKey(try Self.key(row, fields1))] ?? [] {
                let added = pick2.isTruthy ? try Self.pick(second[match], pick2) : second[match]
                if added.isNullish { throw .typeError("Object.entries requires that input parameter not be null or undefined") }
                for (key, raw) in ItemAccess.spread(added) {
                    let place = origin(second: true, match, key)
                    let value = current(raw, place)
                    let own = enriched.contains(key)
                    if !own && !Self.inherited.contains(key) {
                        enriched[key] = value
                        places[key] = value.arrayValue != nil ? place : nil
                        continue
                    }
                    // `__proto__` assignments change the prototype, which JSON never shows.
                    if !own && key == "__proto__" { continue }
                    if strategy == "prefer_input2" {
                        enriched[key] = value
                        places[key] = value.arrayValue != nil ? place : nil
                    } else if strategy == "merge_arrays" {
                        // An inherited member is a function, which JSON writes as null in an array.
                        let existing = own ? enriched[key] : .null
                        if case .array(var list) = existing {
                            if !list.contains(where: { ItemAccess.sameValueZero($0, value) }) {
                                list.append(value)
                                if let shared = places[key] { arrays[shared] = list }
                            }
                            enriched[key] = .array(list)
                        } else {
                            enriched[key] = [existing, value]
                            places[key] = nil
                        }
                    }
                }
            }
            rows.append((enriched, places))
        }

        for (place, list) in arrays {
            if !place.second || sameLists { Self.setMember(&first[place.row], place.key, .array(list)) }
            if place.second || sameLists { Self.setMember(&second[place.row], place.key, .array(list)) }
        }
        return rows.map { enriched, places in
            var row = enriched
            for (key, place) in places { if let list = arrays[place] { row[key] = .array(list) } }
            return .object(row)
        }
    }

    private static func setMember(_ row: inout ScriptValue, _ key: String, _ value: ScriptValue) {
        switch row {
        case .object(var object):
            object[key] = value
            row = .object(object)
        case .array(var items):
            guard let index = ScriptObject.arrayIndex(key).map(Int.init), index < items.count else { return }
            items[index] = value
            row = .array(items)
        default: return
        }
    }
}
