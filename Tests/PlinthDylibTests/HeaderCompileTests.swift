import Foundation
import PlinthTesting
import Testing

/// What a third party meets with the header alone: it compiles as strict C99 and as C++11, and
/// PLINTH_EXPORT keeps the entry point exported from a `-fvisibility=hidden` build (without it
/// such a build exports nothing, and the host says why).
@Suite struct HeaderCompileTests {
    /// A plugin in plain C99: every type of the header, designated initialisers, the entry point
    /// marked as the header asks; PLINTH_EXPORT must not be empty on this compiler.
    static let cSource = """
        #include "plinth_plugin.h"

        #define PLINTH_SPELL(x) #x
        #define PLINTH_SPELLING(x) PLINTH_SPELL(x)
        typedef char plinth_export_is_an_attribute[sizeof(PLINTH_SPELLING(PLINTH_EXPORT)) > 1 ? 1 : -1];

        static const plinth_host_api *host;

        static plinth_status read_row(void *user, const plinth_row *row) {
            plinth_value_type type = PLINTH_NULL;
            plinth_bytes value = host->row_column(row, 0, &type);
            *(size_t *)user = type == PLINTH_INTEGER ? value.len : 0;
            return PLINTH_OK;
        }

        static plinth_status handle(void *state, plinth_call *call, const plinth_request *request,
                                    plinth_response *response, plinth_error *error) {
            size_t seen = 0;
            plinth_param params[1] = {{.type = PLINTH_TEXT, .text = request->tenant}};
            (void)state;
            if (host->db_query(call, plinth_str("SELECT $1"), params, 1, read_row, &seen, error) != PLINTH_OK) {
                host->log(call, PLINTH_LOG_ERROR, host->error_message(error));
            }
            host->response_status(response, seen ? 200 : 204);
            return PLINTH_OK;
        }

        static plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **state, plinth_error *error) {
            plinth_route_spec spec = {
                .struct_size = sizeof(plinth_route_spec),
                .method = plinth_str("GET"),
                .path = plinth_str("/strict/"),
            };
            (void)state;
            host = api;
            return api->register_route_spec(ctx, &spec, handle, error);
        }

        static const plinth_plugin_descriptor descriptor = {
            .magic = PLINTH_PLUGIN_MAGIC,
            .struct_size = sizeof(plinth_plugin_descriptor),
            .abi_major = PLINTH_ABI_MAJOR,
            .abi_minor = PLINTH_ABI_MINOR,
            .flags = PLINTH_PLUGIN_THREAD_SAFE,
            .name = "strict_c",
            .version = "1.0.0",
            .description = NULL,
            .init = init,
            .deinit = NULL,
        };

        PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }

        """

    /// The same in C++11 (no designated initialisers there). The second declaration of the entry
    /// point is an error unless the header already gave it C linkage.
    static let cxxSource = """
        #include "plinth_plugin.h"

        extern "C" const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void);

        namespace {
        const plinth_host_api *host = nullptr;

        plinth_status handle(void *, plinth_call *, const plinth_request *, plinth_response *response, plinth_error *) {
            host->response_status(response, 200);
            host->response_body(response, plinth_str("ok"));
            return PLINTH_OK;
        }

        plinth_status init(const plinth_host_api *api, plinth_host_ctx *ctx, void **, plinth_error *error) {
            host = api;
            return api->register_route(ctx, plinth_str("GET"), plinth_str("ok"), handle, error);
        }

        const plinth_plugin_descriptor descriptor = {
            PLINTH_PLUGIN_MAGIC, sizeof(plinth_plugin_descriptor), PLINTH_ABI_MAJOR, PLINTH_ABI_MINOR,
            0, "strict_cxx", "1.0.0", nullptr, init, nullptr,
        };
        }

        PLINTH_EXPORT const plinth_plugin_descriptor *plinth_plugin_descriptor_v1(void) { return &descriptor; }

        """

    /// Runs `compiler` with `flags` on `source` (written to a scratch folder as `file`) and the
    /// header's folder on the include path.
    static func check(_ compiler: String, _ flags: [String], _ source: String, file: String) async throws -> (status: Int32, stderr: String) {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + file
        try Data(source.utf8).write(to: URL(fileURLWithPath: path))
        let result = try await runTool([compiler] + flags + ["-I", Dylib.header, path])
        return (result.status, result.stderr)
    }

    @Test func theHeaderIsStrictC99() async throws {
        let result = try await Self.check("cc", ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"], Self.cSource, file: "strict.c")
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aCxxCompilerTakesTheHeaderWithCLinkage() async throws {
        let result = try await Self.check("c++", ["-std=c++11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"], Self.cxxSource, file: "strict.cpp")
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The example and the C template are what people copy: they stay strict C99 too.
    @Test(arguments: ["Plugins/Examples/GreeterC/greeter.c", "Templates/dylib-c/__name__.c"])
    func theCExamplesAreStrictC99(source: String) async throws {
        let result = try await runTool(["cc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", Dylib.header, Dylib.root + "/" + source])
        #expect(result.status == 0, "\(source): \(result.stderr)")
    }

    /// Built against a header without PLINTH_EXPORT (FAULT_HIDDEN empties it), a hidden build
    /// exports no entry point; the refusal says why and what to write.
    @Test func aHiddenBuildWithoutTheMarkIsRefusedNamingPLINTHEXPORT() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Dylib.fixture], to: plugins + "/hidden.so", ["-DFAULT_HIDDEN", "-fvisibility=hidden"])
        let (status, log) = try await Dylib.refusedStart(folder)
        #expect(status == 1, "\(log)")
        for fragment in [plugins + "/hidden.so", "no entry point \"plinth_plugin_descriptor_v1\"", "plinth_plugin.h", "-fvisibility=hidden", "PLINTH_EXPORT"] {
            #expect(log.contains(fragment), "missing '\(fragment)' in:\n\(log)")
        }
        #expect(!log.contains("listening"))
    }

    /// The fixture marks its entry point with PLINTH_EXPORT, so the same hidden build serves.
    @Test func aHiddenBuildWithTheMarkServes() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Dylib.fixture], to: plugins + "/fixture.so", ["-fvisibility=hidden"])
        let (server, url) = try await Dylib.serve(folder, ["PLINTH_PLUGINS": "fixture"])
        defer { server.signal(SIGTERM) }
        let answer = try await httpGet(url + "/api/fixture/ok")
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body == "ok")
    }
}
