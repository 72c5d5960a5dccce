package discord

import "time"

// Entitlement is a user's or guild's access to a premium SKU
// (developers/resources/entitlement.mdx).
type Entitlement struct {
	ID            EntitlementID   `json:"id"`
	SKUID         SKUID           `json:"sku_id"`
	ApplicationID ApplicationID   `json:"application_id"`
	UserID        UserID          `json:"user_id,omitempty"`
	Type          EntitlementType `json:"type"`
	Deleted       bool            `json:"deleted"`
	StartsAt      *time.Time      `json:"starts_at"`
	EndsAt        *time.Time      `json:"ends_at"`
	GuildID       GuildID         `json:"guild_id,omitempty"`
	Consumed      bool            `json:"consumed,omitempty"`

	FulfilledAt       *time.Time                         `json:"fulfilled_at,omitempty"`
	FulfillmentStatus EntitlementTenantFulfillmentStatus `json:"fulfillment_status,omitempty"`
	GifterUserID      UserID                             `json:"gifter_user_id,omitempty"` // who gave the entitlement as a gift
	ParentID          EntitlementID                      `json:"parent_id,omitempty"`
}

// Active reports whether the entitlement grants access at now: not
// deleted, started, and not ended.
func (e *Entitlement) Active(now time.Time) bool {
	if e.Deleted || e.StartsAt != nil && now.Before(*e.StartsAt) {
		return false
	}
	return e.EndsAt == nil || now.Before(*e.EndsAt)
}

// EntitlementType is how an entitlement was obtained.
type EntitlementType int

// Entitlement types.
const (
	EntitlementPurchase                EntitlementType = 1
	EntitlementPremiumSubscription     EntitlementType = 2
	EntitlementDeveloperGift           EntitlementType = 3
	EntitlementTestModePurchase        EntitlementType = 4
	EntitlementFreePurchase            EntitlementType = 5
	EntitlementUserGift                EntitlementType = 6
	EntitlementPremiumPurchase         EntitlementType = 7
	EntitlementApplicationSubscription EntitlementType = 8
)
