"""The sales summary table the dashboard reads (filled in by the dashboard work).

Contract for the payment code: call add_order_sales(order_id, sign=+1) in the same transaction that
marks an order paid, and add_order_sales(order_id, sign=-1) in the transaction that refunds it.
"""

from __future__ import annotations


def add_order_sales(order_id: int, sign: int = 1) -> None:
    """Add (sign=+1) or take out (sign=-1) an order's lines in the sales summary."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
