# Type stub of the compiled extension `npay_order._native` (bindings/python/src/). Handwritten:
# the native API is generic (one `call` for every operation), so it does not change with the spec.

from typing import Any, Awaitable, Dict, List, Mapping, Optional, Tuple, TypedDict


CORE_VERSION: str

class Meta(TypedDict):
    status: int
    headers: Dict[str, str]
    trace_id: Optional[str]
    timestamp: Optional[str]

class NativeClient:
    def __init__(
        self,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        *,
        environment: str = "production",
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        account_id: Optional[str] = None,
    ) -> None: ...
    @property
    def client_id(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    def with_options(self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> NativeClient: ...
    def call(self, operation_id: str, params: Mapping[str, Any]) -> Tuple[Any, Meta]: ...
    def call_async(self, operation_id: str, params: Mapping[str, Any]) -> Awaitable[Tuple[Any, Meta]]: ...
    def pager(self, name: str, params: Mapping[str, Any]) -> NativePager: ...

class NativePager:
    def next_page(self) -> Optional[List[Any]]: ...
    def next_page_async(self) -> Awaitable[Optional[List[Any]]]: ...

class NativeSandbox:
    def __init__(
        self,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        seed: Optional[int] = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...
    @property
    def seed(self) -> int: ...
    def control(self, method: str, path: str, body: Any = None) -> Any: ...
    def shutdown(self) -> None: ...

def sign(client_id: str, client_secret: str, timestamp_ms: int) -> str: ...
