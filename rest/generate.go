package rest

// The methods in operations_gen.go and the types in params_gen.go are
// written by internal/apigen from Discord's OpenAPI spec, which CI clones
// beside the repository.
//go:generate go run ../internal/apigen -spec ../../shared/discord-api-spec/openapi.json -root .. -only rest
