// The engine behind each pager's AsyncSequence conformance (see Iterators.swift, generated per
// iterator): pages are fetched lazily, one at a time, as the loop asks for items.

/// Iterates every item of every page a pager returns, until `nextPage()` returns `nil`.
public struct PageIterator<Element>: AsyncIteratorProtocol {
    private let nextPage: () async throws -> [Element]?
    private var page: [Element] = []
    private var index = 0
    private var finished = false

    init(nextPage: @escaping () async throws -> [Element]?) {
        self.nextPage = nextPage
    }

    public mutating func next() async throws -> Element? {
        while index >= page.count {
            if finished {
                return nil
            }
            guard let next = try await nextPage() else {
                finished = true
                return nil
            }
            page = next
            index = 0
        }
        let item = page[index]
        index += 1
        return item
    }
}
