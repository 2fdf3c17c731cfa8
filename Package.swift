// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "civichub",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "civichub", targets: ["civichub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ],
    targets: [
        .target(name: "CivicVocabulary"),
        .target(
            name: "CivicCrypto",
            dependencies: [
                "CivicVocabulary",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "CivicModel", dependencies: ["CivicVocabulary"]),
        .target(
            name: "CivicStore",
            dependencies: [
                "CivicModel", "CivicVocabulary",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CivicFederation",
            dependencies: [
                "CivicStore", "CivicModel", "CivicCrypto", "CivicVocabulary",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CivicNode",
            dependencies: [
                "CivicFederation", "CivicStore", "CivicModel", "CivicCrypto", "CivicVocabulary",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "CivicServer",
            dependencies: [
                "CivicNode", "CivicFederation", "CivicStore", "CivicModel", "CivicVocabulary",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Caps glibc's malloc arenas for the node process before main (arenas.c says why).
        .target(name: "CMallocArenas"),
        .executableTarget(
            name: "civichub",
            dependencies: [
                "CivicServer", "CivicNode", "CivicFederation", "CivicStore", "CivicModel", "CMallocArenas",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            // lld with packed relative relocations (DT_RELR, glibc 2.36+): the relocation table
            // the loader reads at every start shrinks from 1.7 MiB to 0.4, and idle RSS by ~1.9 MiB.
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux])),
            ]
        ),
        .executableTarget(
            name: "civichub-bench",
            dependencies: [
                "CivicCrypto", "CivicModel", "CivicStore", "CivicVocabulary", "LoopbackPorts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/Sources/civichub-bench"
        ),
        // libFuzzer targets (Fuzz/run builds them with --sanitize=fuzzer); a plain build makes
        // do-nothing executables of them, which keeps them compiling.
        .executableTarget(name: "fuzz-json", dependencies: ["CivicVocabulary"], path: "Fuzz/Sources/fuzz-json"),
        .executableTarget(name: "fuzz-signature", dependencies: ["CivicCrypto"], path: "Fuzz/Sources/fuzz-signature"),
        .executableTarget(name: "fuzz-html", dependencies: ["CivicVocabulary"], path: "Fuzz/Sources/fuzz-html"),
        .executableTarget(name: "fuzz-webfinger", dependencies: ["CivicModel"], path: "Fuzz/Sources/fuzz-webfinger"),
        .executableTarget(name: "fuzz-iri", dependencies: ["CivicVocabulary"], path: "Fuzz/Sources/fuzz-iri"),
        .executableTarget(name: "fuzz-timestamp", dependencies: ["CivicVocabulary"], path: "Fuzz/Sources/fuzz-timestamp"),
        // Loopback ports below the ephemeral range, for the servers tests and benchmarks start.
        .target(name: "LoopbackPorts", path: "Tests/LoopbackPorts"),
        .target(
            name: "CivicTesting",
            dependencies: [
                "CivicServer", "CivicNode", "CivicFederation", "CivicStore", "CivicModel", "CivicCrypto", "LoopbackPorts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tests/CivicTesting"
        ),
        .testTarget(name: "CivicVocabularyTests", dependencies: ["CivicVocabulary"]),
        .testTarget(
            name: "CivicCryptoTests",
            dependencies: ["CivicCrypto", "CivicVocabulary", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "CivicStoreTests",
            dependencies: [
                "CivicStore", "CivicModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CivicFederationTests",
            dependencies: [
                "CivicFederation", "CivicStore", "CivicModel", "CivicVocabulary", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CivicServerTests",
            dependencies: [
                "CivicTesting", "CivicServer", "CivicNode", "CivicFederation", "CivicStore", "CivicModel",
                "CivicCrypto", "CivicVocabulary", "LoopbackPorts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
