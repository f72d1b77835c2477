/// Turns the text of one field into a ``FieldSpec``, reporting problems against the
/// whole expression so the error message can quote it.
struct FieldParser {
    let expression: String
    let field: CronField

    func parse(_ text: Substring) throws(CronParseError) -> FieldSpec {
        var spec = FieldSpec()
        spec.isUnrestricted = text.first == "*" || text.first == "?"
        spec.isFixed = !text.contains { "*?/".contains($0) }

        if text == "?" {
            guard field == .dayOfMonth || field == .dayOfWeek else {
                throw failure("\"?\" is only allowed in day-of-month and day-of-week")
            }
            spec.values.insert(field.span, step: 1)
            return spec
        }

        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw failure("has an empty list item in \"\(text)\"")
            }
            try add(item, to: &spec)
        }

        if field == .dayOfWeek && spec.values.contains(7) {
            spec.values.remove(7)
            spec.values.insert(0)
        }
        return spec
    }

    /// Adds one list item: `*`, `L`, `a`, `a-b`, each optionally followed by `/step`.
    private func add(_ item: Substring, to spec: inout FieldSpec) throws(CronParseError) {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw failure("\"\(item)\" has more than one step")
        }
        let base = parts[0]
        let step: Int?
        if parts.count == 2 {
            step = try parseStep(parts[1])
        } else {
            step = nil
        }

        if field == .dayOfMonth && base.uppercased() == "L" {
            guard step == nil else {
                throw failure("\"\(item)\" cannot step from L; L stands alone")
            }
            spec.includesLastDayOfMonth = true
            return
        }

        let range: ClosedRange<Int>
        if base == "*" {
            range = field.span
        } else if let dash = base.firstIndex(of: "-") {
            let low = try parseValue(base[..<dash], in: item)
            let high = try parseValue(base[base.index(after: dash)...], in: item)
            guard low <= high else {
                throw failure("range \(base) is reversed; write the smaller value first")
            }
            range = low...high
        } else {
            let value = try parseValue(base, in: item)
            // `a/n` means "from a to the end of the field", as in cronie and croner.
            range = step == nil ? value...value : value...max(value, field.span.upperBound)
        }
        spec.values.insert(range, step: step ?? 1)
    }

    private func parseStep(_ text: Substring) throws(CronParseError) -> Int {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let step = Int(text) else {
            throw failure("step \"\(text)\" is not a number")
        }
        guard step >= 1 else {
            throw failure("step \(text) is out of range; a step must be at least 1")
        }
        return step
    }

    private func parseValue(_ text: Substring, in item: Substring) throws(CronParseError) -> Int {
        guard !text.isEmpty else {
            throw failure("\"\(item)\" is missing a value")
        }
        if text.allSatisfy(\.isASCIIDigit) {
            guard let value = Int(text), field.bounds.contains(value) else {
                throw failure("\(text) is out of range \(field.bounds.lowerBound)-\(field.bounds.upperBound)")
            }
            return value
        }
        guard let value = field.value(named: text) else {
            throw failure("\"\(text)\" is not \(field.expectedValue)")
        }
        return value
    }

    private func failure(_ reason: String) -> CronParseError {
        CronParseError(expression: expression, field: field.name, reason: reason)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        ("0"..."9").contains(self)
    }
}
