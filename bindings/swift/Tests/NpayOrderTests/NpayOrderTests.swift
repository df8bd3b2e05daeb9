// The Swift package against the embedded sandbox: the quickstart's lifecycle, typed errors, bad
// input refused before sending, redaction and the signature. Run with `swift test` after
// `cargo build -p npay-order-uniffi` (see README.md).
import Foundation
import XCTest

@testable import NpayOrder

final class NpayOrderTests: XCTestCase {
    func testNewPaidOrdersAreFoundConfirmedAndDispatched() async throws {
        let sandbox = try Sandbox(seed: 1)
        defer { sandbox.shutdown() }
        _ = try await sandbox.createOrders(count: 3, status: nil, productsPerOrder: nil)
        let client = try sandbox.client()

        var ids: [String] = []
        let since = Date().addingTimeInterval(-3600)
        for try await change in try client.iterLastChangedStatuses(lastChangedFrom: since, lastChangedType: .payed) {
            ids.append(change.productOrderId)
        }
        XCTAssertEqual(ids.count, 3)

        let confirmed = try await client.confirmProductOrders(productOrderIds: ids)
        XCTAssertEqual(Set(confirmed.successProductOrderInfos.map { $0.productOrderId }), Set(ids))

        let entries = ids.enumerated().map { index, id in
            DispatchProductOrder(
                deliveryCompanyCode: .cjgls,
                deliveryMethod: .delivery,
                dispatchDate: Date(),
                productOrderId: id,
                trackingNumber: "64001234567\(index)"
            )
        }
        let dispatched = try await client.dispatchProductOrders(dispatchProductOrders: entries)
        XCTAssertEqual(Set(dispatched.successProductOrderIds), Set(ids))

        let details = try await client.queryProductOrders(productOrderIds: ids)
        XCTAssertEqual(details.map { $0.productOrder?.productOrderStatus }, Array(repeating: .delivering, count: 3))
    }

    func testAnUnknownProductOrderIsANotFoundErrorWithItsCode() async throws {
        let sandbox = try Sandbox(seed: 2)
        defer { sandbox.shutdown() }
        let client = try sandbox.client()
        do {
            _ = try await client.approveCancel(productOrderId: "9999999999999999")
            XCTFail("expected NotFoundError")
        } catch let error as NpayError {
            XCTAssertEqual(error.typeName(), "NotFoundError")
            XCTAssertEqual(error.status(), 404)
            XCTAssertEqual(error.code(), "100001")
            XCTAssertNotNil(error.traceId())
            XCTAssertTrue(error.isApiError())
        }
    }

    func testBadInputIsRefusedBeforeAnythingIsSent() async throws {
        let sandbox = try Sandbox(seed: 3)
        defer { sandbox.shutdown() }
        let client = try sandbox.client()
        do {
            _ = try await client.confirmProductOrders(productOrderIds: [])
            XCTFail("expected InvalidRequestError")
        } catch let error as NpayError {
            XCTAssertEqual(error.typeName(), "InvalidRequestError")
            XCTAssertTrue(error.invalidInputs().contains { $0.name == "productOrderIds" })
        }
        do {
            _ = try await client.requestCancel(productOrderId: "1", cancelReason: .unrecognized(value: "NOT_A_REASON"))
            XCTFail("expected InvalidRequestError")
        } catch let error as NpayError {
            XCTAssertEqual(error.typeName(), "InvalidRequestError")
        }
        let stats = try await sandbox.stats()
        XCTAssertEqual(stats.tokensIssued, 0)
        XCTAssertTrue(stats.requests.values.allSatisfy { $0 == 0 })
    }

    func testTheConfigDescriptionNeverShowsTheSecret() throws {
        let secret = "$2a$04$sandboxsecretsandboxse"
        let config = ClientConfig(clientId: "app", clientSecret: secret)
        XCTAssertFalse(config.description.contains(secret))
        XCTAssertThrowsError(try Client(config: ClientConfig(clientId: "app", clientSecret: "hunter2-plain"))) { error in
            XCTAssertFalse(String(describing: error).contains("hunter2"))
        }
    }

    func testSignMatchesNaversPublishedTestVector() throws {
        let signature = try sign(clientId: "aaaabbbbcccc", clientSecret: "$2a$10$abcdefghijklmnopqrstuv", timestampMs: 1_643_961_623_299)
        XCTAssertEqual(signature, "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy")
    }
}
