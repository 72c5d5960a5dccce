package discord

import (
	"encoding/json"
	"errors"
	"strconv"
)

// Component is one message or modal component, kept as its raw JSON
// (developers/components/reference.mdx). Components nest (action rows,
// sections, containers, labels) and come in more than twenty shapes, so
// wirecord passes them through untouched: Type reads the kind, and
// Decode or json.Unmarshal read the rest into a struct of the caller's
// choosing. NewComponent builds one from any value that marshals to a
// component object.
type Component json.RawMessage

// NewComponent marshals v (a struct or map with at least a "type" field)
// into a Component.
func NewComponent(v any) (Component, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Component(b), nil
}

// Type returns the component's type, or 0 when it is missing or the
// component is not a JSON object.
func (c Component) Type() ComponentType {
	var head struct {
		Type ComponentType `json:"type"`
	}
	if json.Unmarshal(c, &head) != nil {
		return 0
	}
	return head.Type
}

// Decode unmarshals the component into v.
func (c Component) Decode(v any) error {
	if len(c) == 0 {
		return errors.New("discord: empty component")
	}
	return json.Unmarshal(c, v)
}

// MarshalJSON returns the raw JSON, or null for an empty component.
func (c Component) MarshalJSON() ([]byte, error) {
	if len(c) == 0 {
		return []byte("null"), nil
	}
	return c, nil
}

// UnmarshalJSON keeps a copy of the raw JSON.
func (c *Component) UnmarshalJSON(b []byte) error {
	*c = append((*c)[:0], b...)
	return nil
}

// ComponentType is the kind of a component.
type ComponentType int

// Component types. 15, 16 and 20 are not documented.
const (
	ComponentActionRow         ComponentType = 1
	ComponentButton            ComponentType = 2
	ComponentStringSelect      ComponentType = 3
	ComponentTextInput         ComponentType = 4
	ComponentUserSelect        ComponentType = 5
	ComponentRoleSelect        ComponentType = 6
	ComponentMentionableSelect ComponentType = 7
	ComponentChannelSelect     ComponentType = 8
	ComponentSection           ComponentType = 9
	ComponentTextDisplay       ComponentType = 10
	ComponentThumbnail         ComponentType = 11
	ComponentMediaGallery      ComponentType = 12
	ComponentFile              ComponentType = 13
	ComponentSeparator         ComponentType = 14
	ComponentContainer         ComponentType = 17
	ComponentLabel             ComponentType = 18
	ComponentFileUpload        ComponentType = 19
	ComponentRadioGroup        ComponentType = 21
	ComponentCheckboxGroup     ComponentType = 22
	ComponentCheckbox          ComponentType = 23
)

var componentTypeNames = map[ComponentType]string{
	ComponentActionRow:         "ACTION_ROW",
	ComponentButton:            "BUTTON",
	ComponentStringSelect:      "STRING_SELECT",
	ComponentTextInput:         "TEXT_INPUT",
	ComponentUserSelect:        "USER_SELECT",
	ComponentRoleSelect:        "ROLE_SELECT",
	ComponentMentionableSelect: "MENTIONABLE_SELECT",
	ComponentChannelSelect:     "CHANNEL_SELECT",
	ComponentSection:           "SECTION",
	ComponentTextDisplay:       "TEXT_DISPLAY",
	ComponentThumbnail:         "THUMBNAIL",
	ComponentMediaGallery:      "MEDIA_GALLERY",
	ComponentFile:              "FILE",
	ComponentSeparator:         "SEPARATOR",
	ComponentContainer:         "CONTAINER",
	ComponentLabel:             "LABEL",
	ComponentFileUpload:        "FILE_UPLOAD",
	ComponentRadioGroup:        "RADIO_GROUP",
	ComponentCheckboxGroup:     "CHECKBOX_GROUP",
	ComponentCheckbox:          "CHECKBOX",
}

// String returns the documented name, or "COMPONENT_<n>".
func (t ComponentType) String() string {
	if n, ok := componentTypeNames[t]; ok {
		return n
	}
	return "COMPONENT_" + strconv.Itoa(int(t))
}
