/// The kernel settings a plugin may read: where data lives, the public URL, the environment.
/// Secrets (database password) are deliberately not here.
public struct KernelSettings: Sendable {
    /// `PLINTH_DATA_DIR`. Default `./data`.
    public let dataDirectory: String
    /// `API_BASE_URL`. Default `http://localhost:3013`; links a plugin hands out start with it.
    public let apiBaseURL: String
    /// `PLINTH_ENV`: `development` (default), `production` or `test`.
    public let environment: String

    public var isProduction: Bool { environment == "production" }

    public init(dataDirectory: String = "./data", apiBaseURL: String = "http://localhost:3013", environment: String = "development") {
        self.dataDirectory = dataDirectory
        self.apiBaseURL = apiBaseURL
        self.environment = environment
    }

    init(_ configuration: KernelConfiguration) {
        self.init(dataDirectory: configuration.dataDirectory, apiBaseURL: configuration.apiBaseURL, environment: configuration.environment)
    }
}
