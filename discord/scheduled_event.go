package discord

import (
	"encoding/json"
	"time"
)

// ScheduledEvent is a guild scheduled event
// (developers/resources/guild-scheduled-event.mdx). ChannelID is zero for
// EXTERNAL events, which carry EntityMetadata and ScheduledEndTime
// instead. RecurrenceRule is kept raw: its rules are many and narrow.
type ScheduledEvent struct {
	ID                 ScheduledEventID              `json:"id"`
	GuildID            GuildID                       `json:"guild_id"`
	ChannelID          ChannelID                     `json:"channel_id"`
	CreatorID          UserID                        `json:"creator_id,omitempty"`
	Name               string                        `json:"name"`
	Description        *string                       `json:"description,omitempty"`
	ScheduledStartTime time.Time                     `json:"scheduled_start_time"`
	ScheduledEndTime   *time.Time                    `json:"scheduled_end_time"`
	PrivacyLevel       ScheduledEventPrivacyLevel    `json:"privacy_level"`
	Status             ScheduledEventStatus          `json:"status"`
	EntityType         ScheduledEventEntityType      `json:"entity_type"`
	EntityID           Snowflake                     `json:"entity_id"`
	EntityMetadata     *ScheduledEventEntityMetadata `json:"entity_metadata"`
	Creator            *User                         `json:"creator,omitempty"`
	UserCount          int                           `json:"user_count,omitempty"`
	Image              *string                       `json:"image,omitempty"`
	RecurrenceRule     json.RawMessage               `json:"recurrence_rule"`

	GuildScheduledEventExceptions []GuildScheduledEventException `json:"guild_scheduled_event_exceptions,omitempty"`
	UserRSVP                      *ScheduledEventUser            `json:"user_rsvp,omitempty"` // the current user's answer
}

// ScheduledEventPrivacyLevel is who can see a scheduled event.
type ScheduledEventPrivacyLevel int

// ScheduledEventGuildOnly is the only documented privacy level.
const ScheduledEventGuildOnly ScheduledEventPrivacyLevel = 2

// ScheduledEventStatus is the state of a scheduled event. Completed and
// Canceled are final.
type ScheduledEventStatus int

// Scheduled event statuses.
const (
	ScheduledEventScheduled ScheduledEventStatus = 1
	ScheduledEventActive    ScheduledEventStatus = 2
	ScheduledEventCompleted ScheduledEventStatus = 3
	ScheduledEventCanceled  ScheduledEventStatus = 4
)

// ScheduledEventEntityType is where a scheduled event happens.
type ScheduledEventEntityType int

// Scheduled event entity types.
const (
	ScheduledEventEntityStageInstance ScheduledEventEntityType = 1
	ScheduledEventEntityVoice         ScheduledEventEntityType = 2
	ScheduledEventEntityExternal      ScheduledEventEntityType = 3
)

// ScheduledEventEntityMetadata holds the location of an EXTERNAL event.
type ScheduledEventEntityMetadata struct {
	Location string `json:"location,omitempty"`
}
