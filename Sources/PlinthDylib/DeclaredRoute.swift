import CPlinthABI
import Foundation
import PlinthKernel

/// A route a shared object registered: with `register_route` (ABI 1.0) only its method, path and
/// handler; with `register_route_spec` (1.1) also what the document says about it.
struct DeclaredRoute {
    let method: String
    let path: String
    let handler: CHandler
    var operationID: String?
    var summary: String?
    /// "", "public", "signed-in" or a permission name.
    var policy = ""
    var requestSchema: Schema?
    /// Status → schema of a JSON body (nil: the body is not JSON). Empty: "200, any".
    var responses: [(status: Int, schema: Schema?)] = []

    /// The policy word as a kernel policy.
    var routePolicy: RoutePolicy {
        switch policy {
        case "", "public": .public
        case "signed-in": .signedIn
        default: .permission(policy)
        }
    }

    /// Reads a `plinth_route_spec`, honouring its `struct_size` (a newer plugin's longer struct
    /// is read up to the fields this host knows; an older one's missing fields count as empty).
    /// - Throws: the reason as text, for the plugin's error and its load failure.
    static func read(_ spec: UnsafePointer<plinth_route_spec>, handler: CHandler, plugin: String) throws(SpecError) -> DeclaredRoute {
        let size = Int(spec.pointee.struct_size)
        func field(_ path: KeyPath<plinth_route_spec, plinth_bytes>) -> String {
            guard let offset = MemoryLayout<plinth_route_spec>.offset(of: path), offset + MemoryLayout<plinth_bytes>.size <= size else { return "" }
            return spec.pointee[keyPath: path].string
        }
        let method = field(\.method).uppercased()
        let path = field(\.path).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let label = "route \(method) \(path)"
        guard HostAPI.methods.contains(method) else { throw SpecError("\(label): unknown HTTP method '\(field(\.method))'") }
        guard !path.contains("//"), path.allSatisfy({ !$0.isWhitespace }) else { throw SpecError("\(label): the path is malformed") }
        var route = DeclaredRoute(method: method, path: path, handler: handler)
        let id = field(\.operation_id)
        if !id.isEmpty {
            guard id.hasPrefix(plugin + "."), id.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw SpecError("\(label): operation_id '\(id)' must start with '\(plugin).' and hold only letters, digits, '.', '_' and '-'")
            }
            route.operationID = id
        }
        let summary = field(\.summary)
        route.summary = summary.isEmpty ? nil : summary
        route.policy = field(\.policy)
        if !["", "public", "signed-in"].contains(route.policy) {
            guard route.policy.split(separator: ".").count >= 2, route.policy.allSatisfy({ $0.isLowercase || $0.isNumber || "._".contains($0) }) else {
                throw SpecError("\(label): policy '\(route.policy)' is not 'public', 'signed-in' or a permission name such as 'billing.invoices.write'")
            }
        }
        let request = field(\.request_schema)
        if !request.isEmpty {
            do { route.requestSchema = try Schema.parse(request) } catch {
                throw SpecError("\(label): request_schema \(error)")
            }
        }
        let responses = field(\.responses)
        if !responses.isEmpty {
            guard case .object(let answers)? = try? JSONValue.parse(Data(responses.utf8)), !answers.isEmpty else {
                throw SpecError("\(label): responses must be a JSON object from status code to schema (or null)")
            }
            for (code, value) in answers.sorted(by: { $0.key < $1.key }) {
                guard let status = Int(code), (100...599).contains(status) else { throw SpecError("\(label): responses: '\(code)' is not a status code") }
                if value == .null {
                    route.responses.append((status, nil))
                    continue
                }
                do { route.responses.append((status, try Schema(json: value, at: "#/" + code))) } catch {
                    throw SpecError("\(label): responses \(error)")
                }
                do { _ = try Schema.parse(value.text) } catch {
                    throw SpecError("\(label): responses[\(code)] \(error)")
                }
            }
        }
        return route
    }

    struct SpecError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
