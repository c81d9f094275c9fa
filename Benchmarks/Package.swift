// swift-tools-version: 6.1
import PackageDescription

// RetentionKit's benchmarks: release builds, each figure a ratio against a reference measured
// in the same run. See README.md here for the figures and how to run them.
let package = Package(
    name: "RetentionKitBenchmarks",
    platforms: [.macOS(.v15)],
    traits: [
        // postgres-append-ratio: RetentionKit's Postgres trait, and postgres-nio for the COPY reference.
        .trait(name: "Postgres", description: "Builds postgres-append-ratio against a PostgreSQL server"),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(name: "RetentionKit", path: "..", traits: [.trait(name: "Postgres", condition: .when(traits: ["Postgres"]))]),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .systemLibrary(name: "CLuaSystem", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        // The C floor: stock Lua, plain lua_pcall.
        .target(name: "LuaCallFloor", dependencies: ["CLuaSystem"]),
        .target(
            name: "BenchmarkWorkloads",
            dependencies: ["LuaCallFloor", .product(name: "RetentionLua", package: "RetentionKit")]
        ),
        // The ratio against the floor, alternating rounds in one process.
        .executableTarget(name: "lua-call-ratio", dependencies: ["BenchmarkWorkloads"]),
        // Reading events from JSON Lines against Foundation's JSONSerialization.
        .executableTarget(
            name: "event-parse-ratio",
            dependencies: [.product(name: "RetentionKit", package: "RetentionKit")]
        ),
        // What the C allocator has handed out, for memory figures that leave out freed blocks.
        .target(name: "HeapUsage"),
        // A deterministic synthetic store, and the engine replay over it.
        .target(name: "SyntheticStore", dependencies: [.product(name: "RetentionKit", package: "RetentionKit")]),
        // The batches a StoredEngine commits for the synthetic store, for the store benchmarks.
        .target(name: "DecidedBatches", dependencies: ["SyntheticStore", .product(name: "RetentionKit", package: "RetentionKit")]),
        .executableTarget(
            name: "engine-replay",
            dependencies: [
                "SyntheticStore", "HeapUsage", .product(name: "RetentionKit", package: "RetentionKit"),
                .product(name: "RetentionLua", package: "RetentionKit"),
            ]
        ),
        // Appending the engine's decisions through the SQLite store against the sqlite3 C API.
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(
            name: "store-append-ratio",
            dependencies: [
                "DecidedBatches", "CSQLite3", .product(name: "RetentionKit", package: "RetentionKit"),
                .product(name: "RetentionSQLite", package: "RetentionKit"),
            ]
        ),
        // Appending the same decisions through the PostgreSQL store against COPY (Postgres trait).
        .executableTarget(
            name: "postgres-append-ratio",
            dependencies: [
                "DecidedBatches", .product(name: "RetentionKit", package: "RetentionKit"),
                .product(name: "RetentionPostgres", package: "RetentionKit"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Postgres"])),
            ]
        ),
        // RetentionMetrics on a million customers, timed for Benchmarks/metrics-reference.py.
        .executableTarget(
            name: "metrics-ratio",
            dependencies: [
                .product(name: "RetentionKit", package: "RetentionKit"),
                .product(name: "RetentionMetrics", package: "RetentionKit"),
            ]
        ),
        // The same two paths under package-benchmark (wall clock, instructions, mallocs).
        .executableTarget(
            name: "LuaCall",
            dependencies: ["BenchmarkWorkloads", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/LuaCall",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
