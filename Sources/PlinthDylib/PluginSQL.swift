import Foundation
import CPlinthABI
import PlinthKernel
import SQLKit

/// A plugin's SQL with `$1..$n` placeholders, turned into a query whose binds each database
/// understands (SQLite's `?`, PostgreSQL's `$n`).
enum PluginSQL {
    enum Value: Sendable {
        case null, text(String), integer(Int64), real(Double), blob([UInt8])
    }

    static func values(_ params: UnsafePointer<plinth_param>?, _ count: Int) -> [Value] {
        guard let params, count > 0 else { return [] }
        return (0..<count).map { i in
            let param = params[i]
            switch param.type {
            case PLINTH_TEXT: return .text(param.text.string)
            case PLINTH_INTEGER: return .integer(param.integer)
            case PLINTH_REAL: return .real(param.real)
            case PLINTH_BLOB: return .blob(param.text.array)
            default: return .null
            }
        }
    }

    /// The query, its `$n` placeholders bound (only outside string literals, quoted names and
    /// comments).
    /// - Throws: a message when the SQL holds more than one statement or a `?` placeholder (each
    ///   database would treat them differently: SQLite ran only the first statement and bound
    ///   `?` as NULL), or names a `$n` that has no parameter.
    static func query(_ sql: String, _ values: [Value]) throws -> SQLQueryString {
        var query = SQLQueryString("")
        var literal = ""
        let characters = Array(sql)
        var index = 0
        var sawEnd = false
        func peek(_ offset: Int) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while index < characters.count {
            let character = characters[index]
            // Skip what may hold '$', '?' or ';' without being SQL: literals, quoted names, comments.
            if character == "'" || character == "\"" {
                var end = index + 1
                while end < characters.count {
                    if characters[end] == character {
                        if end + 1 < characters.count && characters[end + 1] == character { end += 2; continue }
                        break
                    }
                    end += 1
                }
                literal.append(contentsOf: characters[index...min(end, characters.count - 1)])
                index = end + 1
                continue
            }
            if character == "-" && peek(1) == "-" {
                while index < characters.count && characters[index] != "\n" { literal.append(characters[index]); index += 1 }
                continue
            }
            if character == "/" && peek(1) == "*" {
                var end = index + 2
                while end + 1 < characters.count && !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                literal.append(contentsOf: characters[index..<min(end + 2, characters.count)])
                index = end + 2
                continue
            }
            if sawEnd && !character.isWhitespace {
                throw DatabaseError(message: "the SQL holds more than one statement; send one per db_query (migrations may hold several)")
            }
            if character == ";" {
                sawEnd = true
                index += 1
                continue
            }
            if character == "?" {
                throw DatabaseError(message: "the SQL uses '?'; write $1, $2, ... for parameters, on SQLite as on PostgreSQL")
            }
            if character == "$", let first = peek(1), first.isNumber {
                var end = index + 1
                while end < characters.count && characters[end].isNumber { end += 1 }
                let n = Int(String(characters[(index + 1)..<end])) ?? 0
                guard n >= 1 && n <= values.count else { throw DatabaseError(message: "the SQL uses $\(n) but \(values.count) parameter(s) were given") }
                query.appendLiteral(literal)
                literal = ""
                switch values[n - 1] {
                case .null: query.appendInterpolation(bind: String?.none)
                case .text(let text): query.appendInterpolation(bind: text)
                case .integer(let integer): query.appendInterpolation(bind: Int(integer))
                case .real(let real): query.appendInterpolation(bind: real)
                case .blob(let bytes): query.appendInterpolation(bind: Data(bytes))
                }
                index = end
                continue
            }
            literal.append(character)
            index += 1
        }
        query.appendLiteral(literal)
        return query
    }

    /// A row's columns as text, with their types.
    /// Each column of `row` with its type and text (see ``ColumnValue``).
    static func columns(_ row: any SQLRow) -> [(name: String, value: ColumnValue)] {
        row.allColumns.map { name in
            if (try? row.decodeNil(column: name)) == true { return (name, ColumnValue(PLINTH_NULL, [])) }
            return (name, (try? row.decode(column: name, as: ColumnValue.self)) ?? ColumnValue(PLINTH_NULL, []))
        }
    }

    /// Migration SQL split into statements at `;`.
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

import Foundation
