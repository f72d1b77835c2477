import Foundation

/// The arithmetic `calculateField` evaluates: upstream checks that a formula (after `{field}`
/// substitution and removal of white space) holds only `0-9 + - * / % ( ) . ,` and
/// `Math.sqrt|abs|round|ceil|floor|min|max|pow`, rewrites `a**b` between number literals to
/// `Math.pow(a,b)`, then runs it as strict-mode JavaScript `return (<formula>);`. This reads the
/// same text with JavaScript's grammar for those characters (comma operator, `**`, `--` as a
/// decrement, leading-zero literals refused, `//` and `/*` comments, regular expression
/// literals) and computes it, with JavaScriptCore's error messages, without running code.
enum CalculationFormula {
    static let functions = ["sqrt", "abs", "round", "ceil", "floor", "min", "max", "pow"]

    /// The number the formula evaluates to.
    static func evaluate(_ formula: String) throws(ScriptFailure) -> Double {
        let stripped = String(String.UnicodeScalarView(formula.unicodeScalars.filter { !isJSSpace($0) }))
        let rest = removingFunctions(stripped)
        guard !rest.isEmpty, rest.allSatisfy({ "0123456789+-*/%().,".contains($0) }) else {
            throw ScriptFailure("Expression contains invalid characters")
        }
        let rewritten = rewritePowers(stripped)
        let value: FormulaValue
        do throws(ScriptFailure) {
            var parser = try FormulaParser("(" + rewritten + ");\n}")
            let tree = try parser.program()
            value = try tree.evaluate()
        } catch {
            throw ScriptFailure("Expression evaluation failed: \(error.message)")
        }
        guard case .number(let number) = value, number.isFinite else {
            throw ScriptFailure("Expression evaluation failed: Expression did not evaluate to a valid number")
        }
        return number
    }

    /// `/Math\.(sqrt|abs|round|ceil|floor|min|max|pow)/g` replaced by nothing, in one pass.
    static func removingFunctions(_ text: String) -> String {
        let c = Array(text.utf16)
        let names = functions.map { Array("Math.\($0)".utf16) }
        var out: [UInt16] = [], i = 0
        scan: while i < c.count {
            for name in names where i + name.count <= c.count && Array(c[i..<i + name.count]) == name {
                i += name.count
                continue scan
            }
            out.append(c[i])
            i += 1
        }
        return String(utf16CodeUnits: out, count: out.count)
    }

    static func isJSSpace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || s == "\u{FEFF}"
    }

    /// `(\d+\.?\d*)\s*\*\*\s*(\d+\.?\d*)` → `Math.pow($1,$2)`, left to right, not overlapping.
    static func rewritePowers(_ text: String) -> String {
        let c = Array(text.unicodeScalars)
        var out = "", i = 0
        func isDigit(_ k: Int) -> Bool { k < c.count && ("0"..."9").contains(c[k]) }
        func numeral(_ start: Int) -> Int? {
            var k = start
            guard isDigit(k) else { return nil }
            while isDigit(k) { k += 1 }
            if k < c.count, c[k] == "." { k += 1; while isDigit(k) { k += 1 } }
            return k
        }
        while i < c.count {
            if let end = numeral(i), end + 1 < c.count, c[end] == "*", c[end + 1] == "*", let end2 = numeral(end + 2) {
                out += "Math.pow(\(String(String.UnicodeScalarView(c[i..<end]))),\(String(String.UnicodeScalarView(c[(end + 2)..<end2]))))"
                i = end2
                continue
            }
            // A regex match starts at every position, so digits inside a longer numeral may start one.
            out.unicodeScalars.append(c[i])
            i += 1
        }
        return out
    }
}

/// A value a formula can produce: a number, one of `Math`'s functions, `Math` itself (or
/// another object), a string (a function concatenated with `+`) or `undefined`.
enum FormulaValue {
    case number(Double), function(String), object, string, undefined

    var number: Double { if case .number(let n) = self { n } else { .nan } }

    var shown: String {
        switch self {
        case .number(let n): ScriptNumber.format(n)
        case .undefined: "undefined"
        case .function(let name): "function \(name)() {\n    [native code]\n}"
        case .object: "[object Math]"
        case .string: "string"
        }
    }
}

indirect enum FormulaNode {
    case number(Double)
    case math
    case regex
    case member(FormulaNode, String, text: String)
    case call(FormulaNode, [FormulaNode], callee: String, text: String)
    case unary(String, FormulaNode)
    case binary(String, FormulaNode, FormulaNode)
    case comma(FormulaNode, FormulaNode)

    func evaluate() throws(ScriptFailure) -> FormulaValue {
        switch self {
        case .number(let n): return .number(n)
        case .math: return .object
        case .regex: return .object
        case .member(let base, let name, let text):
            let object = try base.evaluate()
            switch object {
            case .undefined: throw ScriptFailure.notAnObject(.undefined, evaluating: text)
            case .object where CalculationFormula.functions.contains(name): return .function(name)
            default: return .undefined
            }
        case .call(let calleeNode, let argumentNodes, let callee, let text):
            let function = try calleeNode.evaluate()
            var arguments: [FormulaValue] = []
            for node in argumentNodes { arguments.append(try node.evaluate()) }
            guard case .function(let name) = function else {
                throw ScriptFailure.notAFunction(callee, call: text, value: function.shown)
            }
            return .number(FormulaNode.math(name, arguments.map(\.number)))
        case .unary(let op, let operand):
            let value = try operand.evaluate().number
            return .number(op == "-" ? -value : value)
        case .binary(let op, let left, let right):
            let a = try left.evaluate(), b = try right.evaluate()
            if op == "+" {
                switch (a, b) {
                case (.number(let x), .number(let y)): return .number(x + y)
                case (.number, .undefined), (.undefined, .number), (.undefined, .undefined): return .number(.nan)
                default: return .string
                }
            }
            let x = a.number, y = b.number
            switch op {
            case "-": return .number(x - y)
            case "*": return .number(x * y)
            case "/": return .number(x / y)
            case "%": return .number(x.truncatingRemainder(dividingBy: y))
            default: return .number(FormulaNode.power(x, y))
            }
        case .comma(let first, let second):
            _ = try first.evaluate()
            return try second.evaluate()
        }
    }

    /// `Math.pow` and `**`: JavaScript's answers where C's `pow` differs (`1 ** NaN` is NaN).
    static func power(_ x: Double, _ y: Double) -> Double {
        if y.isNaN { return .nan }
        if y == 0 { return 1 }
        if (x == 1 || x == -1) && y.isInfinite { return .nan }
        return Foundation.pow(x, y)
    }

    static func math(_ name: String, _ a: [Double]) -> Double {
        let x = a.first ?? .nan
        switch name {
        case "sqrt": return x.squareRoot()
        case "abs": return abs(x)
        case "ceil": return x.rounded(.up)
        case "floor": return x.rounded(.down)
        case "round": return jsRound(x)
        case "pow": return power(x, a.count > 1 ? a[1] : .nan)
        case "min": return a.contains(where: \.isNaN) ? .nan : a.reduce(.infinity) { Swift.min($0, $1) }
        default: return a.contains(where: \.isNaN) ? .nan : a.reduce(-.infinity) { Swift.max($0, $1) }
        }
    }

    /// `Math.round`: halves towards +∞.
    static func jsRound(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        let floor = x.rounded(.down)
        return x - floor >= 0.5 ? floor + 1 : floor
    }
}
