/// A query parameter (`$1`, `$2`, ... in the SQL).
public enum SQLValue {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
}

/// One call into the plugin (a request or a hook): the database and events, inside the call's
/// tenant. Valid only during the call.
public struct PluginCall {
    let api: UnsafePointer<plinth_host_api>
    let pointer: OpaquePointer?
    /// The call's error, passed back to host functions (they fill it when they fail).
    let error: OpaquePointer?

    /// Runs one statement with `$1..$n` parameters in its own transaction and returns the rows,
    /// each column as text (`nil` for NULL).
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue] = []) throws -> [[String: String?]] {
        final class Rows { var all: [[String: String?]] = [] }
        let rows = Rows()
        var texts = parameters.map { value -> [UInt8] in if case .text(let t) = value { return Array(t.utf8) } else { return [] } }
        let status: plinth_status = texts.withUnsafeMutableBufferPointer { buffers in
            var params: [plinth_param] = []
            for (index, value) in parameters.enumerated() {
                switch value {
                case .null: params.append(plinth_param(type: PLINTH_NULL, text: plinth_bytes(ptr: nil, len: 0), integer: 0, real: 0))
                case .integer(let i): params.append(plinth_param(type: PLINTH_INTEGER, text: plinth_bytes(ptr: nil, len: 0), integer: i, real: 0))
                case .real(let r): params.append(plinth_param(type: PLINTH_REAL, text: plinth_bytes(ptr: nil, len: 0), integer: 0, real: r))
                case .text:
                    let bytes = buffers[index].withUnsafeBufferPointer { plinth_bytes(ptr: $0.baseAddress, len: $0.count) }
                    params.append(plinth_param(type: PLINTH_TEXT, text: bytes, integer: 0, real: 0))
                }
            }
            let user = Unmanaged.passUnretained(rows).toOpaque()
            return sql.withBytes { text in
                params.withUnsafeBufferPointer { p in
                    api.pointee.db_query(pointer, text, p.baseAddress, p.count, { user, row in
                        let rows = Unmanaged<Rows>.fromOpaque(user!).takeUnretainedValue()
                        rows.all.append(PluginCall.read(row))
                        return PLINTH_OK
                    }, user, error)
                }
            }
        }
        _ = texts
        guard status == PLINTH_OK else { throw PluginError("the query failed (the server log has the database's message)") }
        return rows.all
    }

    /// Reads a row through the host's functions; the table is found again from the row.
    static func read(_ row: OpaquePointer?) -> [String: String?] {
        guard let api = PluginExport.api else { return [:] }
        var result: [String: String?] = [:]
        let count = api.pointee.row_column_count(row)
        for index in 0..<count {
            var type = PLINTH_NULL
            let value = api.pointee.row_column(row, index, &type)
            result[api.pointee.row_column_name(row, index).string] = type == PLINTH_NULL ? .some(nil) : value.string
        }
        return result
    }

    /// Publishes `<plugin name>.<something>` with a JSON object payload on the kernel's event bus.
    public func emit(_ name: String, json: String) throws {
        let status = name.withBytes { n in json.withBytes { j in api.pointee.emit_event(pointer, n, j, error) } }
        guard status == PLINTH_OK else { throw PluginError("event \(name) was refused") }
    }

    public func log(_ message: String, level: plinth_log_level = PLINTH_LOG_INFO) {
        message.withBytes { api.pointee.log(pointer, level, $0) }
    }
}
