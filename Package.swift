// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "RetentionKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RetentionKit", targets: ["RetentionKit"]),
        .library(name: "RetentionLua", targets: ["RetentionLua"]),
        .library(name: "RetentionMetrics", targets: ["RetentionMetrics"]),
        .library(name: "RetentionSQLite", targets: ["RetentionSQLite"]),
        // Empty unless the package is built with the Postgres trait.
        .library(name: "RetentionPostgres", targets: ["RetentionPostgres"]),
        .executable(name: "retention-host", targets: ["RetentionHost"]),
    ],
    traits: [
        // PostgreSQL support: postgres-nio, and through it swift-nio, swift-crypto and SSL, which
        // add minutes to a cold build. Off by default; `swift build --traits Postgres` turns it on.
        .trait(name: "Postgres", description: "Builds RetentionPostgres (postgres-nio) and the host's postgres:// stores"),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Only with the Postgres trait: postgres-nio, and the NIO modules the store names itself.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Lua 5.4 itself, from the system.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"]), .brew(["lua"])]
        ),
        // The only C we write: the sandbox, the budgets, the protected trampolines and the value tape.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // Stock, unsandboxed Lua for tests that compare with the reference implementation.
        .target(name: "CLuaReference", dependencies: ["CLua"]),
        // Pure Swift: domain values, events, engine. Never imports Lua or a database.
        .target(name: "RetentionKit"),
        // Pure Swift: retention metrics and the predictive models, over plain arrays of orders.
        .target(name: "RetentionMetrics", dependencies: ["RetentionKit"]),
        // The Lua runtime that runs merchants' scripts.
        .target(
            name: "RetentionLua",
            dependencies: [
                "CLuaShim",
                "RetentionKit",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The embedded store: one SQLite file, through GRDB.
        .target(
            name: "RetentionSQLite",
            dependencies: ["RetentionKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The scale-out store: PostgreSQL, through postgres-nio (only with the Postgres trait).
        .target(
            name: "RetentionPostgres",
            dependencies: [
                "RetentionKit",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Postgres"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Postgres"])),
            ]
        ),
        .executableTarget(
            name: "RetentionHost",
            dependencies: [
                "RetentionLua",
                "RetentionKit",
                "RetentionMetrics",
                "RetentionSQLite",
                "RetentionPostgres",
                "RetentionFixtures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/RetentionHost"
        ),
        // Under 50 lines: load a plugin, apply events, read a balance (README, built by CI).
        .executableTarget(
            name: "MinimalEmbedding",
            dependencies: ["RetentionKit", "RetentionLua"],
            path: "Examples/MinimalEmbedding"
        ),
        .testTarget(
            name: "RetentionKitTests",
            dependencies: [
                "RetentionKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // The benchmarks' synthetic store, for tests that replay it (the sources live in Benchmarks/).
        .target(name: "RetentionFixtures", dependencies: ["RetentionKit"], path: "Benchmarks/Sources/SyntheticStore"),
        .testTarget(
            name: "RetentionLuaTests",
            dependencies: [
                "RetentionLua",
                "RetentionFixtures",
                "CLuaReference",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // One suite for every store: the in-memory store, SQLite and (with the Postgres trait) PostgreSQL.
        .testTarget(
            name: "RetentionStoreTests",
            dependencies: [
                "RetentionKit", "RetentionSQLite", "RetentionPostgres", "RetentionFixtures", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Postgres"])),
            ]
        ),
        .testTarget(
            name: "RetentionMetricsTests",
            dependencies: [
                "RetentionMetrics", "RetentionKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // Every code sample of Documentation/ and README.md, compiled (and some run) by the tests.
        .testTarget(
            name: "DocumentationTests",
            dependencies: [
                "RetentionKit", "RetentionLua", "RetentionMetrics", "RetentionSQLite", "RetentionPostgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RetentionHostTests",
            dependencies: ["RetentionHost", "MinimalEmbedding", "RetentionKit", "RetentionSQLite", "RetentionPostgres", "RetentionFixtures"]
        ),
    ]
)
