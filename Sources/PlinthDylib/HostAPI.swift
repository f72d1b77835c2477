import CPlinthABI
import Foundation
import HTTPTypes
import Logging
import PlinthKernel
import PlinthWorkscriptEngine
import SQLKit

/// The function table every plugin gets (`plinth_host_api`). The functions are plain C
/// functions: they find the host object a call is about through the opaque pointer the plugin
/// passes back (`plinth_host_ctx`, `plinth_call`, `plinth_response`, ...).
enum HostAPI {
    /// Allocated once and never freed or written again, as the header promises ("valid for the
    /// life of the process"); sharing a pointer to immutable memory between threads is safe.
    nonisolated(unsafe) static let table: UnsafePointer<plinth_host_api> = {
        let table = UnsafeMutablePointer<plinth_host_api>.allocate(capacity: 1)
        table.initialize(to: plinth_host_api(
            struct_size: UInt32(MemoryLayout<plinth_host_api>.size),
            abi_major: UInt16(PLINTH_ABI_MAJOR), abi_minor: UInt16(PLINTH_ABI_MINOR),
            log: { call, level, message in HostAPI.log(call, level, message) },
            set_error: { error, message in ErrorBox.from(error)?.set(message.string) },
            config_get: { ctx, key, value in HostAPI.configGet(ctx, key, value) },
            register_route: { ctx, method, path, handler, error in HostAPI.registerRoute(ctx, method, path, handler, error) },
            register_migration: { ctx, name, sqlite, postgres, error in HostAPI.registerMigration(ctx, name, sqlite, postgres, error) },
            register_hook: { ctx, kind, hook, error in HostAPI.registerHook(ctx, kind, hook, error) },
            register_workflow_node: { ctx, type, schema, handler, error in HostAPI.registerWorkflowNode(ctx, type, schema, handler, error) },
            response_status: { response, status in ResponseBuilder.from(response)?.state.withLock { $0.status = Int(status) } },
            response_header: { response, name, value in ResponseBuilder.from(response)?.state.withLock { $0.headers.append((name.string, value.string)) } },
            response_body: { response, chunk in ResponseBuilder.from(response)?.append(chunk) },
            db_query: { call, sql, params, count, onRow, user, error in HostAPI.dbQuery(call, sql, params, count, onRow, user, error) },
            row_column_count: { row in RowView.from(row).map { $0.values.count } ?? 0 },
            row_column: { row, index, type in
                guard let view = RowView.from(row), index < view.values.count else { return plinth_bytes(ptr: nil, len: 0) }
                type?.pointee = view.values[index].type
                return view.values[index].bytes
            },
            row_column_name: { row, index in
                guard let view = RowView.from(row), index < view.names.count else { return plinth_bytes(ptr: nil, len: 0) }
                return view.names[index]
            },
            emit_event: { call, name, payload, error in HostAPI.emitEvent(call, name, payload, error) },
            register_route_spec: { ctx, spec, handler, error in HostAPI.registerRouteSpec(ctx, spec, handler, error) },
            error_message: { error in ErrorBox.from(error)?.lent ?? plinth_bytes(ptr: nil, len: 0) },
            register_migration_down: { ctx, name, sqlite, postgres, error in HostAPI.registerMigrationDown(ctx, name, sqlite, postgres, error) }
        ))
        return UnsafePointer(table)
    }()

    static func fail(_ error: OpaquePointer?, _ message: String) -> plinth_status {
        ErrorBox.from(error)?.set(message)
        return PLINTH_ERR
    }

    static func log(_ call: OpaquePointer?, _ level: plinth_log_level, _ message: plinth_bytes) {
        guard let logger = CallContext.from(call)?.logger ?? CurrentCall.context?.logger ?? initialisingLogger.withLock({ $0 }) else { return }
        let text = Logger.Message(stringLiteral: message.string)
        switch level {
        case PLINTH_LOG_DEBUG: logger.debug(text)
        case PLINTH_LOG_WARNING: logger.warning(text)
        case PLINTH_LOG_ERROR: logger.error(text)
        default: logger.info(text)
        }
    }

    static func configGet(_ ctx: OpaquePointer?, _ key: plinth_bytes, _ value: UnsafeMutablePointer<plinth_bytes>?) -> plinth_status {
        guard let config = InitStaging.settings(for: ctx), let found = config.string(key.string) else { return PLINTH_ERR }
        value?.pointee = Interned.bytes(found)
        return PLINTH_OK
    }

    static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    static func registerRoute(_ ctx: OpaquePointer?, _ method: plinth_bytes, _ path: plinth_bytes, _ handler: plinth_handler_fn?, _ error: OpaquePointer?) -> plinth_status {
        guard let staging = InitStaging.from(ctx), staging.open else { return fail(error, "routes can be registered only inside init") }
        let verb = method.string.uppercased()
        guard methods.contains(verb) else { return fail(error, "unknown HTTP method '\(method.string)'") }
        guard let handler else { return fail(error, "route \(verb) \(path.string) has no handler") }
        let route = path.string.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !route.contains("//"), route.allSatisfy({ !$0.isWhitespace }) else { return fail(error, "route path '\(path.string)' is malformed") }
        staging.routes.append(DeclaredRoute(method: verb, path: route, handler: CHandler(function: handler)))
        return PLINTH_OK
    }

    static func registerRouteSpec(_ ctx: OpaquePointer?, _ spec: UnsafePointer<plinth_route_spec>?, _ handler: plinth_handler_fn?, _ errorBox: OpaquePointer?) -> plinth_status {
        guard let staging = InitStaging.from(ctx), staging.open else { return fail(errorBox, "routes can be registered only inside init") }
        guard let spec else { return fail(errorBox, "register_route_spec needs a spec") }
        guard let handler else { return fail(errorBox, "route \(spec.pointee.method.string) \(spec.pointee.path.string) has no handler") }
        do {
            staging.routes.append(try DeclaredRoute.read(spec, handler: CHandler(function: handler), plugin: staging.name))
            return PLINTH_OK
        } catch {
            staging.failure = staging.failure ?? error.description
            return fail(errorBox, error.description)
        }
    }

    static func registerMigration(_ ctx: OpaquePointer?, _ name: plinth_bytes, _ sqlite: plinth_bytes, _ postgres: plinth_bytes, _ error: OpaquePointer?) -> plinth_status {
        guard let staging = InitStaging.from(ctx), staging.open else { return fail(error, "migrations can be registered only inside init") }
        let id = name.string
        guard !id.isEmpty, !staging.migrations.contains(where: { $0.name == id }) else { return fail(error, "migration name '\(id)' is empty or used twice") }
        let lite = PluginSQL.statements(sqlite.string), pg = PluginSQL.statements(postgres.string)
        guard !lite.isEmpty, !pg.isEmpty else { return fail(error, "migration '\(id)' needs SQL for both SQLite and PostgreSQL") }
        staging.migrations.append(Migration(id, up: MigrationSQL(sqlite: lite, postgres: pg)))
        return PLINTH_OK
    }

    static func registerMigrationDown(_ ctx: OpaquePointer?, _ name: plinth_bytes, _ sqlite: plinth_bytes, _ postgres: plinth_bytes, _ error: OpaquePointer?) -> plinth_status {
        guard let staging = InitStaging.from(ctx), staging.open else { return fail(error, "migrations can be registered only inside init") }
        let id = name.string
        guard let index = staging.migrations.firstIndex(where: { $0.name == id }) else {
            return fail(error, "no migration '\(id)' was registered before its down SQL; call register_migration first")
        }
        guard staging.migrations[index].down == nil else { return fail(error, "migration '\(id)' already has down SQL") }
        let lite = PluginSQL.statements(sqlite.string), pg = PluginSQL.statements(postgres.string)
        guard !lite.isEmpty, !pg.isEmpty else { return fail(error, "the down SQL of migration '\(id)' needs both SQLite and PostgreSQL") }
        let migration = staging.migrations[index]
        staging.migrations[index] = Migration(id, up: migration.up, down: MigrationSQL(sqlite: lite, postgres: pg))
        return PLINTH_OK
    }

    static func registerWorkflowNode(_ ctx: OpaquePointer?, _ type: plinth_bytes, _ schema: plinth_bytes, _ handler: plinth_handler_fn?, _ errorBox: OpaquePointer?) -> plinth_status {
        guard let staging = InitStaging.from(ctx), staging.open else { return fail(errorBox, "workflow nodes can be registered only inside init") }
        let id = type.string
        guard WorkflowSyntax.isNodeIdentifier(id) else {
            return fail(errorBox, "workflow node id '\(id)' is not usable as a step key: use letters, digits, '_' and '-'")
        }
        guard let handler else { return fail(errorBox, "workflow node '\(id)' has no handler") }
        guard !staging.workflowNodes.contains(where: { $0.metadata.id == id }) else { return fail(errorBox, "workflow node '\(id)' is registered twice") }
        do {
            let metadata = try DylibWorkflowNode.metadata(id: id, json: schema.string, plugin: staging.name)
            staging.workflowNodes.append(StagedWorkflowNode(metadata: metadata, handler: CHandler(function: handler)))
            return PLINTH_OK
        } catch {
            // A node that cannot be described cannot be checked in workflows: the plugin does not load.
            staging.failure = staging.failure ?? "\(error)"
            return fail(errorBox, "\(error)")
        }
    }

    static func registerHook(_ ctx: OpaquePointer?, _ kind: plinth_hook_kind, _ hook: plinth_hook_fn?, _ error: OpaquePointer?) -> plinth_status {
        guard let staging = InitStaging.from(ctx), staging.open else { return fail(error, "hooks can be registered only inside init") }
        guard let hook, [PLINTH_HOOK_BOOT, PLINTH_HOOK_SHUTDOWN, PLINTH_HOOK_HEALTH].contains(kind) else { return fail(error, "unknown hook kind \(kind.rawValue)") }
        staging.hooks.append(CHook(kind: kind, function: hook))
        return PLINTH_OK
    }

    static func dbQuery(_ call: OpaquePointer?, _ sql: plinth_bytes, _ params: UnsafePointer<plinth_param>?, _ count: Int, _ onRow: plinth_row_fn?,
                        _ user: UnsafeMutableRawPointer?, _ errorBox: OpaquePointer?) -> plinth_status {
        guard let context = CallContext.from(call) else { return fail(errorBox, "db_query needs the call it is made in") }
        if context.inline { return refuseBlocking(context, "db_query", errorBox) }
        let text = sql.string
        let values = PluginSQL.values(params, count)
        let database = context.runtime.database
        let tenant = context.tenant
        let rows: [[(name: String, value: ColumnValue)]]
        do {
            let query = try PluginSQL.query(text, values)
            rows = try blockOnWorker {
                let run: @Sendable (any SQLDatabase) async throws -> [[(name: String, value: ColumnValue)]] = { sql in
                    try await sql.raw(query).all().map(PluginSQL.columns)
                }
                // The tenant setting is transaction-local, so a tenant's query runs in one. Without
                // a tenant the one statement db_query allows is atomic by itself: no BEGIN and
                // COMMIT round trips around it.
                if let tenant { return try await database.tenantTransaction(tenant: tenant, run) }
                return try await run(database.sql)
            }
        } catch {
            context.logger.warning("plugin query failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            return fail(errorBox, DatabaseError.describe(error))
        }
        guard let onRow else { return PLINTH_OK }
        for row in rows {
            let arena = Arena()
            let view = RowView(names: row.map { arena.bytes($0.name) }, values: row.map { (arena.bytes($0.value.bytes), $0.value.type) })
            let status = withExtendedLifetime((arena, view)) { onRow(user, view.pointer) }
            if status != PLINTH_OK { break }
        }
        return PLINTH_OK
    }

    /// A handler of a PLINTH_PLUGIN_INLINE_HANDLERS plugin runs on a request thread, which must
    /// not wait for the database.
    static func refuseBlocking(_ context: CallContext, _ function: String, _ errorBox: OpaquePointer?) -> plinth_status {
        let message = "plugin '\(context.runtime.name)' declared PLINTH_PLUGIN_INLINE_HANDLERS, so its handlers may not call \(function); drop the flag or do this in a hook"
        context.logger.error("\(message)")
        return fail(errorBox, message)
    }

    static func emitEvent(_ call: OpaquePointer?, _ name: plinth_bytes, _ payload: plinth_bytes, _ errorBox: OpaquePointer?) -> plinth_status {
        guard let context = CallContext.from(call) else { return fail(errorBox, "emit_event needs the call it is made in") }
        if context.inline { return refuseBlocking(context, "emit_event", errorBox) }
        let event = name.string, body = payload.string
        let plugin = context.runtime.name
        guard event.hasPrefix(plugin + "."), event.count > plugin.count + 1 else { return fail(errorBox, "event names start with '\(plugin).'") }
        guard (try? JSONSerialization.jsonObject(with: Data(body.utf8))) is [String: Any] else { return fail(errorBox, "an event payload must be a JSON object") }
        let events = context.runtime.events
        do { try blockOnWorker { try await events.publish(name: event, payload: body, source: plugin) } } catch {
            return fail(errorBox, DatabaseError.describe(error))
        }
        context.logger.debug("plugin published an event", metadata: ["event": "\(event)", "bytes": "\(body.utf8.count)"])
        return PLINTH_OK
    }
}
