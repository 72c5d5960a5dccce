package discord

import "time"

// Subscription is a user's recurring payment for SKUs
// (developers/resources/subscription.mdx). Discord advises granting perks
// from entitlements, not from subscription status.
type Subscription struct {
	ID                 SubscriptionID     `json:"id"`
	UserID             UserID             `json:"user_id"`
	SKUIDs             []SKUID            `json:"sku_ids"`
	EntitlementIDs     []EntitlementID    `json:"entitlement_ids"`
	RenewalSKUIDs      []SKUID            `json:"renewal_sku_ids"`
	CurrentPeriodStart time.Time          `json:"current_period_start"`
	CurrentPeriodEnd   time.Time          `json:"current_period_end"`
	Status             SubscriptionStatus `json:"status"`
	CanceledAt         *time.Time         `json:"canceled_at"`
	Country            string             `json:"country,omitempty"`
}

// SubscriptionStatus is the state of a subscription.
type SubscriptionStatus int

// Subscription statuses.
const (
	SubscriptionActive   SubscriptionStatus = 0 // active and scheduled to renew
	SubscriptionInactive SubscriptionStatus = 1 // not being charged
	SubscriptionEnding   SubscriptionStatus = 2 // active but will not renew
)
