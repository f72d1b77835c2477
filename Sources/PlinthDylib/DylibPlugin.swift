import CPlinthABI
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PlinthKernel
import PlinthWorkscriptEngine

/// A shared-object plugin adapted to the kernel's lifecycle: what its `init` registered
/// becomes its migrations, routes and hooks, and every call into it runs on a worker thread.
struct DylibPlugin: PluginLifecycle {
    let library: LoadedLibrary
    let state: PluginState
    let routeList: [DeclaredRoute]
    let migrationList: [Migration]
    let hooks: [CHook]
    let workflowNodes: [StagedWorkflowNode]
    let runtime: DylibRuntime

    /// Step 3: calls the plugin's `init`; its registrations count only if it succeeds.
    static func make(_ library: LoadedLibrary, context: PluginContext, responseLimit: Int = DylibRuntime.defaultResponseLimit) throws -> DylibPlugin {
        let staging = InitStaging(name: library.name, config: context.config, logger: context.logger)
        staging.keepForSettings()
        let errorBox = ErrorBox()
        var raw: UnsafeMutableRawPointer?
        initialisingLogger.withLock { $0 = context.logger }
        let status = withExtendedLifetime((staging, errorBox)) {
            library.descriptor.pointee.`init`!(HostAPI.table, staging.pointer, &raw, errorBox.pointer)
        }
        initialisingLogger.withLock { $0 = nil }
        staging.open = false
        if let failure = staging.failure {
            throw KernelStartupError("plugin \"\(library.name)\" (\(library.path)): \(failure)")
        }
        guard status == PLINTH_OK else {
            throw KernelStartupError("plugin \"\(library.name)\" (\(library.path)) failed during initialization: \(errorBox.text ?? "init returned \(status.rawValue) and gave no message")")
        }
        var runtime = DylibRuntime(name: library.name, database: context.database, events: context.events, logger: context.logger,
                                   serial: library.threadSafe ? nil : NIOLock(), inlineHandlers: library.inlineHandlers)
        runtime.responseLimit = responseLimit
        return DylibPlugin(
            library: library, state: PluginState(raw: raw), routeList: staging.routes, migrationList: staging.migrations, hooks: staging.hooks,
            workflowNodes: staging.workflowNodes, runtime: runtime
        )
    }

    var migrations: [Migration] { migrationList }

    /// Step 5: the plugin's workflow nodes go to the Workscript plugin, which reads every
    /// plugin's at mount; without it they are unused.
    func provide(_ context: PluginContext) async throws {
        for node in workflowNodes {
            context.contribute((any WorkflowNode).self, DylibWorkflowNode(metadata: node.metadata, handler: node.handler, plugin: state, runtime: runtime) as any WorkflowNode)
        }
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        for route in routeList {
            let method = HTTPRequest.Method(route.method)!
            let id = route.operationID ?? Self.operationID(plugin: routes.plugin, method: route.method, path: route.path)
            var endpoint = Route.on(method, route.path, id: id, route.summary ?? "\(route.method) \(route.path), served by a shared object")
                .requires(route.routePolicy)
            for (status, schema) in route.responses.isEmpty ? [(200, Schema.any)] : route.responses {
                let code = HTTPResponse.Status(code: status)
                endpoint = schema.map { endpoint.responds(code, schema: $0) } ?? endpoint.responds(code)
            }
            let handler = route.handler
            let mounted: Route
            if let schema = route.requestSchema {
                // Checked by the kernel before the plugin sees it (422 with pointers).
                mounted = endpoint.jsonBody(schema).handle { input, context in
                    try await handle(handler, input.request, context, body: input.body.map { Array(buffer: $0) } ?? [])
                }
            } else {
                if ![.get, .head, .delete].contains(method) { endpoint = endpoint.rawBody("application/json", schema: .any, required: false) }
                mounted = endpoint.handle { input, context in try await handle(handler, input.request, context) }
            }
            do { try routes.add(mounted) } catch let error as KernelStartupError {
                throw KernelStartupError("plugin \"\(library.name)\" (\(library.path)): \(error.message)")
            }
        }
    }

    /// `greeter.get.hello.name`: the plugin, the method and the path's words.
    static func operationID(plugin: String, method: String, path: String) -> String {
        let words = path.split(separator: "/").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ":{}*")) }.filter { !$0.isEmpty }
        return ([plugin, method.lowercased()] + words).joined(separator: ".")
    }

    /// Calls the plugin's handler; `body` is the request's, already read (and checked) by the kernel.
    func handle(_ handler: CHandler, _ request: Request, _ context: PlinthRequestContext, body read: [UInt8]? = nil) async throws -> Response {
        // A GET or HEAD without a declared body has none to read.
        let hasBody = !([.get, .head].contains(request.method) && request.headers[.contentLength] == nil && request.headers[.transferEncoding] == nil)
        let body: [UInt8]
        if let read { body = read } else { body = hasBody ? Array(buffer: try await request.body.collect(upTo: context.maxUploadSize)) : [] }
        let inline = runtime.inlineHandlers
        let call = CallContext(runtime: runtime, tenant: context.tenantID, logger: context.logger, inline: inline)
        let builder = ResponseBuilder(limit: runtime.responseLimit)
        let errorBox = ErrorBox()
        let state = self.state
        let status: plinth_status
        if inline {
            // Straight from the request, no copy to hand to another thread.
            let arena = Arena()
            var cRequest = RequestSnapshot.cRequest(request: request, context: context, body: body, arena: arena)
            status = withExtendedLifetime((arena, call, builder, errorBox)) {
                CurrentCall.with(call) {
                    runtime.serial.map { lock in lock.withLock { handler.function(state.raw, call.pointer, &cRequest, builder.pointer, errorBox.pointer) } }
                        ?? handler.function(state.raw, call.pointer, &cRequest, builder.pointer, errorBox.pointer)
                }
            }
        } else {
            let view = RequestSnapshot(request: request, context: context, body: body)
            status = try await runtime.run {
                let arena = Arena()
                var cRequest = view.cRequest(arena)
                return withExtendedLifetime((arena, call, builder, errorBox)) {
                    CurrentCall.with(call) { handler.function(state.raw, call.pointer, &cRequest, builder.pointer, errorBox.pointer) }
                }
            }
        }
        let built = builder.state.withLock { $0 }
        guard status == PLINTH_OK else {
            context.logger.error("plugin handler failed", metadata: ["error": "\(errorBox.text ?? "no message")"])
            throw Problem(.internalServerError, type: "plugin-failed", detail: "plugin '\(runtime.name)' could not handle the request; see the server log")
        }
        if let written = built.overflow {
            context.logger.error("plugin handler wrote a response body over the limit; answered 500", metadata: ["bytes": "\(written)", "limit": "\(runtime.responseLimit)"])
            throw Problem(.internalServerError, type: "plugin-failed", detail: "plugin '\(runtime.name)': the handler wrote \(written) bytes, more than the \(runtime.responseLimit) of PLINTH_PLUGIN_RESPONSE_LIMIT")
        }
        guard let code = built.status, (100...599).contains(code) else {
            let what = built.status.map { "set status \($0), outside 100-599" } ?? "set no status"
            context.logger.error("plugin handler \(what)", metadata: ["status": "\(built.status.map(String.init) ?? "none")"])
            throw Problem(.internalServerError, type: "plugin-failed", detail: "plugin '\(runtime.name)': the handler \(what) (call response_status with 100-599)")
        }
        return DylibResponse.make(code: code, headers: built.headers, body: built.body, method: request.method, logger: context.logger)
    }

    func runHooks(_ kind: plinth_hook_kind, context: PluginContext) async throws -> String? {
        for hook in hooks where hook.kind == kind {
            let call = CallContext(runtime: runtime, tenant: nil, logger: context.logger)
            let errorBox = ErrorBox()
            let state = self.state
            let status = try await runtime.run {
                withExtendedLifetime((call, errorBox)) { CurrentCall.with(call) { hook.function(state.raw, call.pointer, errorBox.pointer) } }
            }
            if status != PLINTH_OK { return errorBox.text ?? "the hook returned \(status.rawValue) and gave no message" }
        }
        return nil
    }

    func boot(_ context: PluginContext) async throws {
        if let failure = try await runHooks(PLINTH_HOOK_BOOT, context: context) {
            throw KernelStartupError("plugin \"\(library.name)\" (\(library.path)): boot hook failed: \(failure)")
        }
    }

    func health(_ context: PluginContext) async -> PluginHealth {
        do {
            if let failure = try await runHooks(PLINTH_HOOK_HEALTH, context: context) { return .unhealthy(failure) }
            return .healthy
        } catch {
            return .unhealthy("\(error)")
        }
    }

    func shutdown(_ context: PluginContext) async throws {
        let failure = try await runHooks(PLINTH_HOOK_SHUTDOWN, context: context)
        if let release = library.descriptor.pointee.`deinit` {
            let state = self.state
            let function = CRelease(function: release)
            try await runtime.run { function.function(state.raw) }
        }
        if let failure { throw KernelStartupError("plugin \"\(library.name)\": shutdown hook failed: \(failure)") }
    }
}

/// The parts of a request a handler sees, copied off the request so that they can cross to
/// the worker thread.
struct RequestSnapshot: Sendable {
    let method: String
    let path: String
    let query: String
    let body: [UInt8]
    let headers: [(String, String)]
    let parameters: [(String, String)]
    let tenant: String
    let subject: String

    /// A call that is not an HTTP request (a workflow node run).
    init(method: String, path: String, body: [UInt8], tenant: String = "") {
        self.method = method
        self.path = path
        query = ""
        self.body = body
        headers = []
        parameters = []
        self.tenant = tenant
        subject = ""
    }

    init(request: Request, context: PlinthRequestContext, body: [UInt8]) {
        method = request.method.rawValue
        path = request.uri.path
        query = request.uri.query ?? ""
        self.body = body
        headers = request.headers.map { ($0.name.canonicalName, $0.value) }
        parameters = context.parameters.map { parameter in
            let value = String(parameter.value)
            return (String(parameter.key), value.contains("%") ? value.removingPercentEncoding ?? value : value)
        }
        tenant = context.tenantID ?? ""
        subject = context.identity?.subject ?? ""
    }

    /// The C view of a request read in place, for handlers that run on the request's own thread;
    /// every pointer in it lives in `arena`.
    static func cRequest(request: Request, context: PlinthRequestContext, body: [UInt8], arena: Arena) -> plinth_request {
        var headerNames: [plinth_bytes] = []
        var headerValues: [plinth_bytes] = []
        headerNames.reserveCapacity(request.headers.count)
        headerValues.reserveCapacity(request.headers.count)
        for field in request.headers {
            headerNames.append(arena.bytes(field.name.canonicalName))
            headerValues.append(arena.bytes(field.value))
        }
        var paramNames: [plinth_bytes] = []
        var paramValues: [plinth_bytes] = []
        for parameter in context.parameters {
            let value = String(parameter.value)
            paramNames.append(arena.bytes(String(parameter.key)))
            paramValues.append(arena.bytes(value.contains("%") ? value.removingPercentEncoding ?? value : value))
        }
        return plinth_request(
            struct_size: UInt32(MemoryLayout<plinth_request>.size),
            method: arena.bytes(request.method.rawValue), path: arena.bytes(request.uri.path), query: arena.bytes(request.uri.query ?? ""), body: arena.bytes(body),
            header_names: arena.array(headerNames), header_values: arena.array(headerValues), header_count: headerNames.count,
            param_names: arena.array(paramNames), param_values: arena.array(paramValues), param_count: paramNames.count,
            tenant: arena.bytes(context.tenantID ?? ""), subject: arena.bytes(context.identity?.subject ?? "")
        )
    }

    /// The C view; every pointer in it lives in `arena`.
    func cRequest(_ arena: Arena) -> plinth_request {
        plinth_request(
            struct_size: UInt32(MemoryLayout<plinth_request>.size),
            method: arena.bytes(method), path: arena.bytes(path), query: arena.bytes(query), body: arena.bytes(body),
            header_names: arena.array(headers.map { arena.bytes($0.0) }), header_values: arena.array(headers.map { arena.bytes($0.1) }),
            header_count: headers.count,
            param_names: arena.array(parameters.map { arena.bytes($0.0) }), param_values: arena.array(parameters.map { arena.bytes($0.1) }),
            param_count: parameters.count,
            tenant: arena.bytes(tenant), subject: arena.bytes(subject)
        )
    }
}
