from .allow import host_allowed
from .deliverer import Callback, Deliverer, DeliveryResult
from .policy import ArithmeticThenGeometric, FixedRetry, RetryPolicy

__all__ = ["Callback", "Deliverer", "DeliveryResult", "RetryPolicy", "FixedRetry",
           "ArithmeticThenGeometric", "host_allowed"]
