// Package tcpproxy is a TCP proxy for tests of what wslocal does when its
// database goes silent or away: it forwards connections to a target until
// told to black-hole them (keep them open, forward nothing) or to go down
// (refuse connections and close those it has).
package tcpproxy

import (
	"net"
	"sync"
)

// Proxy forwards the connections it accepts on Addr to a target.
type Proxy struct {
	// Addr is where the proxy listens, e.g. 127.0.0.1:41234.
	Addr   string
	target string

	mu        sync.Mutex
	ln        net.Listener
	conns     map[net.Conn]bool
	blackhole chan struct{} // closed by Restore or Close; nil while forwarding
	closed    bool
	wg        sync.WaitGroup
}

// Start listens on a free loopback port and forwards to target.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	p.serve(ln)
	return p, nil
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.forward(c) })
		}
	})
}

// track remembers an open connection, false when the proxy is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *Proxy) forward(client net.Conn) {
	if !p.track(client) {
		client.Close()
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(server) {
		client.Close()
		if server != nil {
			server.Close()
		}
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.copy(server, client) })
	wg.Go(func() { p.copy(client, server) })
	wg.Wait()
}

// copy forwards from src to dst until either ends; while the proxy
// black-holes, what it reads is dropped and it waits, holding both open.
func (p *Proxy) copy(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			hole := p.blackhole
			p.mu.Unlock()
			if hole != nil {
				<-hole // a black-holed connection stays dead
				return
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Blackhole stops forwarding, on the connections open and on new ones,
// without closing any: the peers see silence.
func (p *Proxy) Blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blackhole == nil {
		p.blackhole = make(chan struct{})
	}
}

// Restore forwards again on new connections; those black-holed are closed.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blackhole != nil {
		close(p.blackhole)
		p.blackhole = nil
	}
}

// Down stops listening and closes every connection: the target looks
// stopped (connections are refused).
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// Up listens again on the same address after Down.
func (p *Proxy) Up() error {
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		return err
	}
	p.serve(ln)
	return nil
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	p.Restore()
	p.Down()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait()
}
