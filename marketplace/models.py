"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from marketplace.accounts.models import PasswordResetToken, User
from marketplace.artisans.models import Artisan, TrainingRecord
from marketplace.audit.models import AuditEntry, AuditEntryRegion
from marketplace.cart.models import CartItem
from marketplace.catalog.cache import CatalogChange, CatalogState
from marketplace.catalog.models import (
    Category,
    ListBlockNewest,
    ListBlockPrice,
    ListEntry,
    Product,
    ProductPhoto,
)
from marketplace.dashboard.models import (  # and the cube tables
    ArtisanLastSale,
    SalesOrderMarker,
    SalesShipmentMarker,
)
from marketplace.mail.models import OutboxMessage
from marketplace.orders.models import Address, Order, OrderEvent, OrderLine, Shipment, ShippingRate
from marketplace.payments.models import LedgerEntry, Payment, Payout, Refund, WebhookEvent
from marketplace.regions.models import Province, Regency

__all__ = [
    "Address",
    "Artisan",
    "ArtisanLastSale",
    "AuditEntry",
    "AuditEntryRegion",
    "CartItem",
    "CatalogChange",
    "CatalogState",
    "Category",
    "LedgerEntry",
    "ListBlockNewest",
    "ListBlockPrice",
    "ListEntry",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OutboxMessage",
    "PasswordResetToken",
    "Payment",
    "Payout",
    "Product",
    "ProductPhoto",
    "Province",
    "Refund",
    "Regency",
    "SalesOrderMarker",
    "SalesShipmentMarker",
    "Shipment",
    "ShippingRate",
    "TrainingRecord",
    "User",
    "WebhookEvent",
]
