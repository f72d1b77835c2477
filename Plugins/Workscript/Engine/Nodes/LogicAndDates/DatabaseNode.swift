/// `database`: insert, find, update, delete and list records by `data.id` in a named `table`
/// of an in-memory store: insert adds `createdAt`, update merges `data` over the record and adds
/// `updatedAt`, a missing id answers `not_found`. Writes `dbInserted`, `dbRecord`, `dbUpdated`,
/// `dbDeleted`, `dbRecords`. Deliberate difference: upstream keeps the tables in one static map
/// shared by every execution (and tenant) of the process; here they live in the execution's
/// own state under the reserved key `__database` (rows `{table, id, record}` in insertion
/// order), so an execution sees only what it wrote and the rows appear in its final state.
public struct DatabaseNode: WorkflowNode {
    public init() {}
    /// The state key holding this execution's tables.
    public static let stateKey = "__database"

    public let metadata = NodeMetadata(
        id: "database", name: "Database Operations",
        description: "Server-specific database operations - mock database for demonstration",
        inputs: ["operation", "table", "data", "query"], outputs: ["result", "found", "not_found"],
        hints: NodeHints(purpose: "Perform CRUD operations on an in-memory mock database",
                         whenToUse: "When you need to insert, find, update, delete, or list database records in server environments",
                         expectedEdges: ["success", "error", "found", "not_found"],
                         exampleUsage: #"{"db-1": {"operation": "insert", "table": "users", "data": {"id": "1", "name": "John"}, "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "insert|find|update|delete|list", "table": "string", "data?": "object", "query?": "object"}"#,
                         postToState: ["dbInserted", "dbRecord", "dbUpdated", "dbDeleted", "dbRecords"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "insert, find, update, delete or list"),
            NodeConfigField("table", .string, required: true, description: "the table name"),
            NodeConfigField("data", .object, description: "the record (insert, update) or {id} (find, delete); id is required except for list"),
            NodeConfigField("query", .object, description: "unused"),
        ],
        category: "server")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], table = config["table"], data = config["data"]
        guard operation.isTruthy, table.isTruthy else { return [.error("Missing operation or table")] }
        var rows = context.state[DatabaseNode.stateKey].arrayValue ?? []
        let id = data.isNullish ? ScriptValue.undefined : ScriptAccess.get(data, "id")
        let name = operation.stringValue ?? ""
        if ["insert", "find", "update", "delete"].contains(name), !id.isTruthy {
            return [.error("Missing data or id for \(name) operation")]
        }
        let at = rows.firstIndex { ExpressionOperations.sameValueZero($0["table"], table) && ExpressionOperations.sameValueZero($0["id"], id) }
        let notFound = NodeEdge("not_found", ["id": id, "table": table])
        let now = ScriptValue.string(ISOTime.now())
        switch name {
        case "insert":
            var record = data.objectValue ?? [:]
            record["createdAt"] = now
            let row: ScriptValue = ["table": table, "id": id, "record": .object(record)]
            if let at { rows[at] = row } else { rows.append(row) }
            context.state[DatabaseNode.stateKey] = .array(rows)
            context.state["dbInserted"] = ["table": table, "id": id]
            return [NodeEdge("success", ["inserted": id, "table": table])]
        case "find":
            guard let at else { return [notFound] }
            let record = rows[at]["record"]
            context.state["dbRecord"] = record
            return [NodeEdge("found", ["record": record, "table": table])]
        case "update":
            guard let at else { return [notFound] }
            var record = rows[at]["record"].objectValue ?? [:]
            record.merge(data.objectValue ?? [:])
            record["updatedAt"] = now
            rows[at] = ["table": table, "id": id, "record": .object(record)]
            context.state[DatabaseNode.stateKey] = .array(rows)
            context.state["dbUpdated"] = ["table": table, "id": id]
            return [NodeEdge("success", ["updated": id, "table": table])]
        case "delete":
            guard let at else { return [notFound] }
            rows.remove(at: at)
            context.state[DatabaseNode.stateKey] = .array(rows)
            context.state["dbDeleted"] = ["table": table, "id": id]
            return [NodeEdge("success", ["deleted": id, "table": table])]
        case "list":
            let records: [ScriptValue] = rows.filter { ExpressionOperations.sameValueZero($0["table"], table) }.map { row in
                var listed: ScriptObject = ["id": row["id"]]
                listed.merge(row["record"].objectValue ?? [:])
                return .object(listed)
            }
            context.state["dbRecords"] = .array(records)
            return [NodeEdge("success", ["records": .array(records), "count": .number(Double(records.count)), "table": table])]
        default:
            return [.error("Unknown operation: \(operation.jsString)")]
        }
    }
}
