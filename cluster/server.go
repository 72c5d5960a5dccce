package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ServerConfig configures an embedded NATS server.
type ServerConfig struct {
	// Name is the server's name, unique within a cluster. Default: chosen
	// by NATS.
	Name string
	// Host is the address the server listens on for clients and routes.
	// Default 127.0.0.1: an embedded server is not exposed unless asked.
	Host string
	// Port is the client port. Default: a random free port.
	Port int
	// StoreDir is where JetStream keeps its data. Required: a temporary
	// directory in tests, a persistent one in production.
	StoreDir string
	// Cluster, when set, names the NATS cluster this server joins; the
	// server then listens for routes on ClusterPort (default: random)
	// and connects to Routes.
	Cluster     string
	ClusterPort int
	Routes      []string
}

// Server is an embedded NATS server with JetStream.
type Server struct {
	ns *server.Server
}

// StartServer starts an embedded NATS server with JetStream and waits until
// it accepts connections (or ctx ends).
func StartServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("cluster: embedded NATS server: StoreDir is required (where JetStream keeps its data)")
	}
	host := cfg.Host
	if host == "" {
		host = "127.0.0.1"
	}
	port := cfg.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: cfg.Name,
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		NoLog:      true,
		NoSigs:     true,
		// No monitoring or leaf ports: nothing listens but what is asked.
		HTTPPort: 0,
	}
	if cfg.Cluster != "" {
		cport := cfg.ClusterPort
		if cport == 0 {
			cport = server.RANDOM_PORT
		}
		opts.Cluster = server.ClusterOpts{Name: cfg.Cluster, Host: host, Port: cport}
		for _, r := range cfg.Routes {
			u, err := url.Parse(r)
			if err != nil {
				return nil, fmt.Errorf("cluster: embedded NATS server: bad route %q: %w", r, err)
			}
			opts.Routes = append(opts.Routes, u)
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded NATS server: %w", err)
	}
	go ns.Start()
	deadline := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		deadline = time.Until(d)
	}
	if !ns.ReadyForConnections(deadline) {
		ns.Shutdown()
		return nil, fmt.Errorf("cluster: embedded NATS server did not accept connections within %v", deadline.Round(time.Millisecond))
	}
	return &Server{ns: ns}, nil
}

// ClientURL is the URL clients connect to: nats://host:port.
func (s *Server) ClientURL() string { return s.ns.ClientURL() }

// RouteURL is the URL other servers of the cluster route to, or "" when
// the server is not clustered.
func (s *Server) RouteURL() string {
	a := s.ns.ClusterAddr()
	if a == nil {
		return ""
	}
	return fmt.Sprintf("nats-route://%s", a.String())
}

// Name returns the server's name.
func (s *Server) Name() string { return s.ns.Name() }

// Shutdown stops the server at once and waits for it: clients are
// disconnected, as when the process dies.
func (s *Server) Shutdown() {
	if !s.ns.Running() {
		return
	}
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}

// WaitJetStream waits until JetStream answers on nc (in a cluster: a meta
// leader is elected), or ctx ends.
func WaitJetStream(ctx context.Context, nc *nats.Conn) error {
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("cluster: jetstream: %w", err)
	}
	for {
		c, cancel := context.WithTimeout(ctx, time.Second)
		_, err := js.AccountInfo(c)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: JetStream did not become available: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
