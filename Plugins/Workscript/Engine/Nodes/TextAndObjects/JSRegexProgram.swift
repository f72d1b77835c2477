/// A compiled pattern: instructions for ``RegexMachine``, a backtracking machine that keeps
/// its choice points on a heap stack, so long inputs cannot exhaust the thread's stack.
struct RegexProgram: Sendable {
    /// One instruction. `back` marks the instructions of a lookbehind, which read the text
    /// right to left as ECMAScript specifies.
    enum Op: Sendable {
        case char(UInt32, back: Bool)
        case dot(back: Bool)
        case set(Int, back: Bool)
        /// Try `first`; on failure resume at `second`.
        case split(Int, Int)
        case jump(Int)
        case save(Int)
        case reset(ClosedRange<Int>)
        case lineStart, lineEnd
        case boundary(negated: Bool)
        case backreference([Int], back: Bool)
        /// The assertion's body follows and ends with `match`; execution goes on at `next`.
        case look(next: Int, negated: Bool)
        case counterStart(Int)
        /// Decides whether to run the body (at the next instruction) once more or leave.
        case loop(counter: Int, min: Int, max: Int?, greedy: Bool, exit: Int)
        case iterationStart(position: Int)
        /// Refuses an empty iteration once `min` is reached (ECMAScript's RepeatMatcher rule).
        case iterationEnd(counter: Int, position: Int, min: Int, head: Int)
        /// A quantified single character (outside Unicode mode): consumed in one step, given
        /// back one at a time on backtracking.
        case run(Atom, min: Int, max: Int?, greedy: Bool, back: Bool)
        case match
    }

    enum Atom: Sendable {
        case char(UInt32), dot, set(Int)
    }

    private(set) var ops: [Op] = []
    private(set) var sets: [RegexSet] = []
    private(set) var registerCount = 0
    private let names: [String: [Int]]
    private let ignoreCase: Bool
    private let unicode: Bool

    init(_ node: RegexNode, names: [String: [Int]], ignoreCase: Bool, unicode: Bool) {
        self.names = names
        self.ignoreCase = ignoreCase
        self.unicode = unicode
        emit(node, back: false)
        ops.append(.match)
    }

    private mutating func atom(_ node: RegexNode) -> Atom? {
        switch node {
        case .char(let c): return .char(ignoreCase ? RegexCharacters.canonical(c, unicode: unicode) : c)
        case .dot: return .dot
        case .set(let set):
            sets.append(set)
            return .set(sets.count - 1)
        default: return nil
        }
    }

    private mutating func emit(_ node: RegexNode, back: Bool) {
        switch node {
        case .empty: break
        case .char(let c): ops.append(.char(ignoreCase ? RegexCharacters.canonical(c, unicode: unicode) : c, back: back))
        case .dot: ops.append(.dot(back: back))
        case .set(let set):
            sets.append(set)
            ops.append(.set(sets.count - 1, back: back))
        case .sequence(let items):
            for item in back ? items.reversed() : items { emit(item, back: back) }
        case .alternation(let alternatives):
            var exits: [Int] = []
            for (index, alternative) in alternatives.enumerated() {
                guard index < alternatives.count - 1 else { emit(alternative, back: back); break }
                let split = ops.count
                ops.append(.split(split + 1, -1))
                emit(alternative, back: back)
                exits.append(ops.count)
                ops.append(.jump(-1))
                ops[split] = .split(split + 1, ops.count)
            }
            for exit in exits { ops[exit] = .jump(ops.count) }
        case .group(let body, let capture):
            guard let n = capture else { emit(body, back: back); return }
            ops.append(.save(back ? 2 * n + 1 : 2 * n))
            emit(body, back: back)
            ops.append(.save(back ? 2 * n : 2 * n + 1))
        case .backreference(let n): ops.append(.backreference([n], back: back))
        case .namedBackreference(let name): ops.append(.backreference(names[name] ?? [], back: back))
        case .lineStart: ops.append(.lineStart)
        case .lineEnd: ops.append(.lineEnd)
        case .wordBoundary(let negated): ops.append(.boundary(negated: negated))
        case .look(let body, let ahead, let negated):
            let at = ops.count
            ops.append(.look(next: -1, negated: negated))
            emit(body, back: !ahead)
            ops.append(.match)
            ops[at] = .look(next: ops.count, negated: negated)
        case .quantified(let body, let min, let max, let greedy, let groups):
            if max == 0 { return }
            if !unicode, let atom = atom(body) {
                ops.append(.run(atom, min: min, max: max, greedy: greedy, back: back))
                return
            }
            let counter = registerCount, position = registerCount + 1
            registerCount += 2
            ops.append(.counterStart(counter))
            let head = ops.count
            ops.append(.loop(counter: counter, min: min, max: max, greedy: greedy, exit: -1))
            ops.append(.iterationStart(position: position))
            if let groups { ops.append(.reset(groups)) }
            emit(body, back: back)
            ops.append(.iterationEnd(counter: counter, position: position, min: min, head: head))
            ops[head] = .loop(counter: counter, min: min, max: max, greedy: greedy, exit: ops.count)
        }
    }
}
