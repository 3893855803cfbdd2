// A real gorilla/websocket echo server on 127.0.0.1, a free port (Debian's
// golang-github-gorilla-websocket-dev, built in GOPATH mode, offline).
// Prints `listening PORT` once ready; runs until killed.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/gorilla/websocket"
)

// The zero Upgrader: gorilla's defaults, as most servers use them.
var upgrader = websocket.Upgrader{}

func echo(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has written the refusal.
	}
	defer conn.Close()
	for {
		kind, message, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if conn.WriteMessage(kind, message) != nil {
			return
		}
	}
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening %d\n", listener.Addr().(*net.TCPAddr).Port)
	fmt.Fprintln(os.Stderr, http.Serve(listener, http.HandlerFunc(echo)))
	os.Exit(1)
}
