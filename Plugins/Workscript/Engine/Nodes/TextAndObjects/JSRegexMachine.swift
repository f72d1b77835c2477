/// The regular expression ran out of steps: upstream would keep going (catastrophic
/// backtracking has no limit in JavaScript); here the node fails instead of hanging.
struct JSRegexBudgetError: Error, Sendable, CustomStringConvertible {
    var description: String { "Regular expression is too complex to finish matching" }
}

/// Runs a ``RegexProgram`` over UTF-16 text with an undo trail: every capture or register
/// change is recorded on the stack above the choice point it follows, so failing back to a
/// choice point restores exactly the state it saw.
struct RegexMachine {
    private enum Entry {
        case branch(pc: Int, position: Int)
        case slot(Int, Int)
        case register(Int, Int)
        /// A greedy run that can give back characters down to `min`.
        case greedyRun(pc: Int, from: Int, count: Int, min: Int, back: Bool)
        /// A lazy run that can take one more character, up to `max`.
        case lazyRun(pc: Int, from: Int, count: Int)
    }

    let program: RegexProgram
    let text: [UInt16]
    let ignoreCase: Bool
    let multiline: Bool
    let dotAll: Bool
    let unicode: Bool
    /// Start and end of each group (index 2n, 2n+1), -1 when unset.
    var slots: [Int]
    private var registers: [Int]
    private var stack: [Entry] = []
    private var budget: Int

    init(_ program: RegexProgram, text: [UInt16], groups: Int, ignoreCase: Bool, multiline: Bool, dotAll: Bool, unicode: Bool, budget: Int) {
        self.program = program
        self.text = text
        self.ignoreCase = ignoreCase
        self.multiline = multiline
        self.dotAll = dotAll
        self.unicode = unicode
        self.budget = budget
        slots = Array(repeating: -1, count: 2 * (groups + 1))
        registers = Array(repeating: 0, count: program.registerCount)
    }

    /// The end of a match starting at `start`, or nil; ``slots`` then hold the groups.
    mutating func attempt(at start: Int) throws(JSRegexBudgetError) -> Int? {
        for i in slots.indices { slots[i] = -1 }
        stack.removeAll(keepingCapacity: true)
        return try run(from: 0, at: start)
    }

    private mutating func run(from entry: Int, at startPosition: Int) throws(JSRegexBudgetError) -> Int? {
        let base = stack.count
        var pc = entry
        var position = startPosition
        let ops = program.ops
        while true {
            budget -= 1
            if budget < 0 { throw JSRegexBudgetError() }
            var ok = true
            switch ops[pc] {
            case .char(let expected, let back):
                if let (c, width) = read(position, back: back), (ignoreCase ? RegexCharacters.canonical(c, unicode: unicode) : c) == expected {
                    position += back ? -width : width
                    pc += 1
                } else { ok = false }
            case .dot(let back):
                if let (c, width) = read(position, back: back), dotAll || !RegexCharacters.isLineTerminator(c) {
                    position += back ? -width : width
                    pc += 1
                } else { ok = false }
            case .set(let index, let back):
                if let (c, width) = read(position, back: back), program.sets[index].matches(c, ignoreCase: ignoreCase, unicode: unicode) {
                    position += back ? -width : width
                    pc += 1
                } else { ok = false }
            case .split(let first, let second):
                stack.append(.branch(pc: second, position: position))
                pc = first
            case .jump(let target):
                pc = target
            case .save(let slot):
                stack.append(.slot(slot, slots[slot]))
                slots[slot] = position
                pc += 1
            case .reset(let groups):
                for group in groups {
                    for slot in [2 * group, 2 * group + 1] where slots[slot] != -1 {
                        stack.append(.slot(slot, slots[slot]))
                        slots[slot] = -1
                    }
                }
                pc += 1
            case .lineStart:
                if position == 0 || (multiline && RegexCharacters.isLineTerminator(UInt32(text[position - 1]))) { pc += 1 } else { ok = false }
            case .lineEnd:
                if position == text.count || (multiline && RegexCharacters.isLineTerminator(UInt32(text[position]))) { pc += 1 } else { ok = false }
            case .boundary(let negated):
                let before = position > 0 && RegexCharacters.isWord(UInt32(text[position - 1]), unicodeIgnoreCase: unicode && ignoreCase)
                let after = position < text.count && RegexCharacters.isWord(UInt32(text[position]), unicodeIgnoreCase: unicode && ignoreCase)
                if (before != after) != negated { pc += 1 } else { ok = false }
            case .backreference(let groups, let back):
                if let end = backreference(groups, at: position, back: back) {
                    position = end
                    pc += 1
                } else { ok = false }
            case .look(let next, let negated):
                let mark = stack.count
                let found = try run(from: pc + 1, at: position) != nil
                if found {
                    if negated {
                        unwind(to: mark)
                        ok = false
                    } else {
                        // No backtracking into a lookaround: drop its choice points, keep its captures.
                        var kept = mark
                        for i in mark..<stack.count {
                            switch stack[i] {
                            case .branch, .greedyRun, .lazyRun: continue
                            case .slot, .register: break
                            }
                            stack[kept] = stack[i]
                            kept += 1
                        }
                        stack.removeLast(stack.count - kept)
                        pc = next
                    }
                } else if negated {
                    pc = next
                } else { ok = false }
            case .counterStart(let counter):
                stack.append(.register(counter, registers[counter]))
                registers[counter] = 0
                pc += 1
            case .loop(let counter, let min, let max, let greedy, let exit):
                let count = registers[counter]
                if count < min {
                    pc += 1
                } else if let max, count >= max {
                    pc = exit
                } else if greedy {
                    stack.append(.branch(pc: exit, position: position))
                    pc += 1
                } else {
                    stack.append(.branch(pc: pc + 1, position: position))
                    pc = exit
                }
            case .iterationStart(let register):
                stack.append(.register(register, registers[register]))
                registers[register] = position
                pc += 1
            case .iterationEnd(let counter, let register, let min, let head):
                if registers[counter] >= min && position == registers[register] {
                    ok = false
                } else {
                    stack.append(.register(counter, registers[counter]))
                    registers[counter] += 1
                    pc = head
                }
            case .run(let atom, let min, let max, let greedy, let back):
                let limit = max ?? Int.max
                if greedy {
                    var count = 0
                    while count < limit, matches(atom, at: back ? position - count - 1 : position + count) { count += 1 }
                    budget -= count
                    if count < min { ok = false; break }
                    if count > min { stack.append(.greedyRun(pc: pc + 1, from: position, count: count, min: min, back: back)) }
                    position += back ? -count : count
                } else {
                    var count = 0
                    while count < min, matches(atom, at: back ? position - count - 1 : position + count) { count += 1 }
                    if count < min { ok = false; break }
                    position += back ? -count : count
                    if count < limit { stack.append(.lazyRun(pc: pc, from: position, count: count)) }
                }
                pc += 1
            case .match:
                return position
            }
            if ok { continue }
            var resumed = false
            while stack.count > base {
                switch stack.removeLast() {
                case .slot(let slot, let old): slots[slot] = old
                case .register(let register, let old): registers[register] = old
                case .branch(let target, let at):
                    pc = target
                    position = at
                    resumed = true
                case .greedyRun(let target, let from, let count, let min, let back):
                    let kept = count - 1
                    if kept > min { stack.append(.greedyRun(pc: target, from: from, count: kept, min: min, back: back)) }
                    pc = target
                    position = back ? from - kept : from + kept
                    resumed = true
                case .lazyRun(let runPC, let at, let count):
                    guard case .run(let atom, _, let max, _, let back) = ops[runPC] else { break }
                    if matches(atom, at: back ? at - 1 : at) {
                        let next = back ? at - 1 : at + 1
                        if count + 1 < (max ?? Int.max) { stack.append(.lazyRun(pc: runPC, from: next, count: count + 1)) }
                        pc = runPC + 1
                        position = next
                        resumed = true
                    }
                }
                if resumed { break }
            }
            if !resumed { return nil }
        }
    }

    private mutating func unwind(to mark: Int) {
        while stack.count > mark {
            switch stack.removeLast() {
            case .slot(let slot, let old): slots[slot] = old
            case .register(let register, let old): registers[register] = old
            case .branch, .greedyRun, .lazyRun: break
            }
        }
    }

    /// Whether the single code unit at `index` matches `atom` (runs exist outside Unicode mode only).
    private func matches(_ atom: RegexProgram.Atom, at index: Int) -> Bool {
        guard index >= 0, index < text.count else { return false }
        let c = UInt32(text[index])
        switch atom {
        case .char(let expected): return (ignoreCase ? RegexCharacters.canonical(c, unicode: false) : c) == expected
        case .dot: return dotAll || !RegexCharacters.isLineTerminator(c)
        case .set(let set): return program.sets[set].matches(c, ignoreCase: ignoreCase, unicode: false)
        }
    }

    /// A quick test of the first instruction, to skip start positions that cannot match.
    func canStart(at position: Int) -> Bool {
        switch program.ops[0] {
        case .char(let expected, back: false):
            guard position < text.count else { return false }
            let c = UInt32(text[position])
            if !unicode { return (ignoreCase ? RegexCharacters.canonical(c, unicode: false) : c) == expected }
            return true
        case .run(let atom, let min, _, _, back: false) where min > 0:
            return matches(atom, at: position)
        default:
            return true
        }
    }

    /// The character before (`back`) or at `position` and its width in code units; in Unicode
    /// mode a surrogate pair is one character.
    private func read(_ position: Int, back: Bool) -> (UInt32, Int)? {
        if back {
            guard position > 0 else { return nil }
            let unit = UInt32(text[position - 1])
            if unicode, (0xDC00..<0xE000).contains(unit), position > 1, (0xD800..<0xDC00).contains(text[position - 2]) {
                return (0x10000 + ((UInt32(text[position - 2]) - 0xD800) << 10) + (unit - 0xDC00), 2)
            }
            return (unit, 1)
        }
        guard position < text.count else { return nil }
        let unit = UInt32(text[position])
        if unicode, (0xD800..<0xDC00).contains(unit), position + 1 < text.count, (0xDC00..<0xE000).contains(text[position + 1]) {
            return (0x10000 + ((unit - 0xD800) << 10) + (UInt32(text[position + 1]) - 0xDC00), 2)
        }
        return (unit, 1)
    }

    /// A backreference to the first of `groups` that took part in the match; one that did
    /// not matches the empty string, as in JavaScript.
    private func backreference(_ groups: [Int], at position: Int, back: Bool) -> Int? {
        guard let group = groups.first(where: { slots[2 * $0] >= 0 && slots[2 * $0 + 1] >= 0 }) else { return position }
        let start = slots[2 * group], end = slots[2 * group + 1]
        let length = end - start
        let from = back ? position - length : position
        guard from >= 0, from + length <= text.count else { return nil }
        for i in 0..<length {
            let a = UInt32(text[start + i]), b = UInt32(text[from + i])
            if a == b { continue }
            if ignoreCase, RegexCharacters.canonical(a, unicode: unicode) == RegexCharacters.canonical(b, unicode: unicode) { continue }
            return nil
        }
        return back ? from : position + length
    }
}
