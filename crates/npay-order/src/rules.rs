//! Checks that the spec names (`x-npay-rules`) but cannot express as limits.

use npay_order_api::enums::RequestDeliveryMethod;
use npay_order_api::types::DispatchProductOrder;

use crate::validate::Checker;

/// A parcel dispatch (`DELIVERY`) needs the courier and the tracking number (errors 104118/104120
/// on the server); other methods need neither.
pub fn delivery_needs_courier_and_tracking(item: &DispatchProductOrder, checker: &mut Checker) {
    if item.delivery_method != RequestDeliveryMethod::Delivery {
        return;
    }
    if item.delivery_company_code.is_none() {
        checker.problem("deliveryCompanyCode", "required when deliveryMethod is DELIVERY");
    }
    if item.tracking_number.as_deref().is_none_or(|t| t.trim().is_empty()) {
        checker.problem("trackingNumber", "required when deliveryMethod is DELIVERY");
    }
}
