import ArgumentParser
import Foundation
import Logging
import Metrics
import OTel
import PlinthKernel
import Prometheus
import ServiceLifecycle
import Tracing

/// `plinth serve`: migrate (unless PLINTH_MIGRATE_ON_SERVE=false), boot every plugin and serve
/// HTTP until SIGTERM or SIGINT, then drain within PLINTH_SHUTDOWN_TIMEOUT and shut down.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (SQLite in ./data by default; DATABASE_URL for PostgreSQL).")

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            LoggingSystem.bootstrap(LogHandlers.factory(format: configuration.logFormat, level: configuration.logLevel))
            let logger = Logger(label: "plinth")
            let metrics = KernelMetrics()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
            var telemetryServices: [any Service] = []
            if configuration.otlpEndpoint != nil {
                var otel = OTel.Configuration.default
                otel.serviceName = configuration.serviceName
                otel.logs.enabled = false
                otel.metrics.enabled = false
                let tracing = try OTel.makeTracingBackend(configuration: otel)
                InstrumentationSystem.bootstrap(tracing.factory)
                telemetryServices.append(tracing.service)
            }
            let kernel = CommandSupport.makeKernel(configuration, logger: logger, metrics: metrics)
            try await kernel.withRunning { running in
                let pluginCount = running.plugins.count
                let backend = running.database.kind.rawValue
                let app = running.makeApplication { port in
                    logger.notice("listening", metadata: ["url": "http://\(configuration.host):\(port)", "plugins": "\(pluginCount)", "database": "\(backend)"])
                }
                let group = ServiceGroup(configuration: .init(
                    services: (telemetryServices + [app]).map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                ).withShutdownDeadline(configuration.shutdownTimeout))
                try await group.run()
                logger.notice("stopped serving; shutting plugins down")
            }
            logger.notice("stopped")
            LogSink.standardError.flush()
        }
    }
}

extension ServiceGroupConfiguration {
    func withShutdownDeadline(_ seconds: Double) -> ServiceGroupConfiguration {
        var copy = self
        copy.maximumGracefulShutdownDuration = .milliseconds(Int(seconds * 1000))
        return copy
    }
}
