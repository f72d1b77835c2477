import CPlinthABI
import PlinthKernel
import SQLKit

/// A plugin's SQL with `$1..$n` placeholders, turned into a query whose binds each database
/// understands (SQLite's `?`, PostgreSQL's `$n`).
enum PluginSQL {
    enum Value: Sendable {
        case null, text(String), integer(Int64), real(Double)
    }

    static func values(_ params: UnsafePointer<plinth_param>?, _ count: Int) -> [Value] {
        guard let params, count > 0 else { return [] }
        return (0..<count).map { i in
            let param = params[i]
            switch param.type {
            case PLINTH_TEXT: return .text(param.text.string)
            case PLINTH_INTEGER: return .integer(param.integer)
            case PLINTH_REAL: return .real(param.real)
            default: return .null
            }
        }
    }

    /// - Throws: a message naming a `$n` that has no parameter.
    static func query(_ sql: String, _ values: [Value]) throws -> SQLQueryString {
        var query = SQLQueryString("")
        var literal = ""
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if character == "$", let digitsEnd = sql[sql.index(after: index)...].firstIndex(where: { !$0.isNumber }) ?? Optional(sql.endIndex),
               digitsEnd > sql.index(after: index), let n = Int(sql[sql.index(after: index)..<digitsEnd]) {
                guard n >= 1 && n <= values.count else { throw DatabaseError(message: "the SQL uses $\(n) but \(values.count) parameter(s) were given") }
                query.appendLiteral(literal)
                literal = ""
                switch values[n - 1] {
                case .null: query.appendInterpolation(bind: String?.none)
                case .text(let text): query.appendInterpolation(bind: text)
                case .integer(let integer): query.appendInterpolation(bind: Int(integer))
                case .real(let real): query.appendInterpolation(bind: real)
                }
                index = digitsEnd
                continue
            }
            literal.append(character)
            index = sql.index(after: index)
        }
        query.appendLiteral(literal)
        return query
    }

    /// A row's columns as text, with their types.
    static func columns(_ row: any SQLRow) -> [(name: String, value: String?, type: plinth_value_type)] {
        row.allColumns.map { name in
            if (try? row.decodeNil(column: name)) == true { return (name, nil, PLINTH_NULL) }
            if let integer = try? row.decode(column: name, as: Int64.self) { return (name, String(integer), PLINTH_INTEGER) }
            if let real = try? row.decode(column: name, as: Double.self) { return (name, String(real), PLINTH_REAL) }
            if let text = try? row.decode(column: name, as: String.self) { return (name, text, PLINTH_TEXT) }
            return (name, nil, PLINTH_NULL)
        }
    }

    /// Migration SQL split into statements at `;`.
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

import Foundation
