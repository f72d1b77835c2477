/// `dateTime`: now, format, parse, add, subtract, round, compare, extract, convert_timezone,
/// diff, is_valid and to_iso on a date read from `field` (a state key, else an input key, else
/// a dotted path in the state). Results go to `outputField` (`dateTimeResult`) and
/// `dateTimeResult`; errors take `error` unless `onError` is `skip` or `use_default`.
/// Upstream's quirks are kept: "local time" is the server's zone (UTC here), each
/// `outputFormat` token is replaced once, `compare` with `is_between` answers `error`, `diff`
/// is absolute and floored. `toTimezone` keeps upstream's ten fixed abbreviations (UTC GMT
/// EST EDT CST CDT MST MDT PST PDT) and, unlike upstream (which shifts by 0), also takes IANA
/// zone names such as `Europe/Bucharest`; any other name shifts by 0.
public struct DateTimeNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "dateTime", name: "Date & Time Operations",
        description: "Universal date and time manipulation - format, parse, calculate, compare, and convert dates",
        inputs: ["operation", "field", "outputField", "inputFormat", "outputFormat", "amount", "unit", "roundTo", "compareWith", "extract", "fromTimezone", "toTimezone"],
        outputs: ["result", "formatted", "parsed", "calculated", "compared", "extracted", "converted"],
        hints: NodeHints(purpose: "Manipulate and format dates and times with comprehensive operations",
                         whenToUse: "When you need to format dates, perform date arithmetic, compare dates, extract components, or convert timezones",
                         expectedEdges: ["success", "is_before", "is_after", "is_same", "is_between", "is_valid", "is_invalid", "error"],
                         exampleUsage: #"{"datetime-1": {"operation": "format", "field": "createdAt", "outputFormat": "MM/DD/YYYY", "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "format|parse|add|subtract|round|compare|extract|convert_timezone|diff|is_valid|now|to_iso", "field": "string", "outputField?": "string", "outputFormat?": "string", "amount?": "number", "unit?": "years|months|weeks|days|hours|minutes|seconds"}"#,
                         postToState: ["dateTimeResult", "dateTimeFormatted", "dateTimeParsed", "dateTimeCompared", "dateTimeExtracted"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "now, format, parse, add, subtract, round, compare, extract, convert_timezone, diff, is_valid or to_iso"),
            NodeConfigField("field", .string, description: "state key, input key or dotted state path of the date"),
            NodeConfigField("outputField", .string, default: "dateTimeResult", description: "state key of the result"),
            NodeConfigField("inputFormat", .string, description: "YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or YYYY/MM/DD; otherwise the text is parsed as JavaScript does"),
            NodeConfigField("outputFormat", .string, description: "pattern of YYYY YY MM M DD D HH H mm m ss s (format); ISO 8601 when absent"),
            NodeConfigField("amount", .number, .string, description: "how much to add or subtract"),
            NodeConfigField("unit", .string, description: "years, months, weeks, days, hours, minutes, seconds or milliseconds"),
            NodeConfigField("roundTo", .string, description: "start_of_day, end_of_day, start_of_week, end_of_week, start_of_month, end_of_month, start_of_year or end_of_year"),
            NodeConfigField("compareWith", .string, .number, description: "the other date (compare, diff)"),
            NodeConfigField("compareOperation", .string, default: "is_before", description: "is_before, is_after, is_same (is_between answers error)"),
            NodeConfigField("startDate", .string, .number, description: "unused"),
            NodeConfigField("endDate", .string, .number, description: "unused"),
            NodeConfigField("extract", .string, description: "year, month, day, hour, minute, second, millisecond, dayOfWeek, dayOfYear, weekOfYear, quarter or timestamp"),
            NodeConfigField("fromTimezone", .string, description: "unused"),
            NodeConfigField("toTimezone", .string, description: "UTC, GMT, EST, EDT, CST, CDT, MST, MDT, PST, PDT or an IANA zone name"),
            NodeConfigField("diffUnit", .string, default: "days", description: "unit of diff"),
            NodeConfigField("onError", .string, default: "stop", description: "stop (error edge), skip or use_default"),
            NodeConfigField("defaultValue", description: "result when onError is use_default"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], field = config["field"]
        let outputField = config["outputField"].isUndefined ? ScriptValue.string("dateTimeResult") : config["outputField"]
        let onError = config["onError"].isUndefined ? ScriptValue.string("stop") : config["onError"]
        guard operation.isTruthy else { return [.error("Missing required parameter: operation")] }
        var dates = DateTimeOperations(context: context, config: config)
        let result: ScriptValue
        do throws(ScriptFailure) {
            switch operation.stringValue ?? "" {
            case "now": result = .string(ISOTime.now())
            case "format": result = try dates.format()
            case "parse": result = try dates.parse()
            case "add": result = try dates.shift(by: config["amount"])
            case "subtract": result = try dates.shift(by: .number(-config["amount"].jsNumber))
            case "round": result = try dates.round()
            case "compare":
                let edge = try dates.compare()
                context.state = dates.context.state
                return [edge]
            case "extract": result = try dates.extract()
            case "convert_timezone": result = try dates.convertTimezone()
            case "diff": result = try dates.diff()
            case "is_valid":
                let edge = dates.validate()
                context.state = dates.context.state
                return [edge]
            case "to_iso": result = try dates.iso()
            default: return [.error("Unknown operation: \(operation.jsString)")]
            }
        } catch {
            context.state = dates.context.state
            let defaultValue = config["defaultValue"]
            if onError.strictlyEquals("use_default") && !defaultValue.isUndefined {
                context.state[outputField.isTruthy ? outputField.jsString : "dateTimeResult"] = defaultValue
                return [NodeEdge("success", ["result": defaultValue, "usedDefault": true, "error": .string(error.message)])]
            }
            if onError.strictlyEquals("skip") {
                return [NodeEdge("success", ["skipped": true, "error": .string(error.message)])]
            }
            return [NodeEdge("error", ["error": .string(error.message), "operation": operation, "field": field, "nodeId": .string(context.nodeId)])]
        }
        context.state = dates.context.state
        context.state[outputField.jsString] = result
        context.state["dateTimeResult"] = result
        return [NodeEdge("success", ["result": result, "operation": operation, "outputField": outputField])]
    }
}
