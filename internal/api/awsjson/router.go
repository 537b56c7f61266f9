package awsjson

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Route binds one operation of a model to its HTTP method and URI. O is the
// generated Operations interface the route calls into.
type Route[O any] struct {
	Operation string
	Method    string
	// URI is the model's requestUri, e.g. "/things/{thingName}" or
	// "/destinations/{arn+}"; a "?k=v&k2" suffix names query keys a request must
	// carry to select this route.
	URI   string
	Serve func(ctx context.Context, ops O, req *Request, w http.ResponseWriter) error
}

// Request is a decoded-so-far HTTP request: the body is read once (to verify its
// signature) and the path labels are extracted by the router.
type Request struct {
	HTTP   *http.Request
	Body   []byte
	Params Params
	query  url.Values
}

// Query returns the parsed query string.
func (r *Request) Query() url.Values {
	if r.query == nil {
		r.query = r.HTTP.URL.Query()
	}
	return r.query
}

// Param is one path label and its unescaped value.
type Param struct{ Name, Value string }

// Params are the path labels of a matched route.
type Params []Param

// Get returns the value of the label name, or "".
func (p Params) Get(name string) string {
	for _, x := range p {
		if x.Name == name {
			return x.Value
		}
	}
	return ""
}

// Router finds the route of a request. It is built once and safe for concurrent use.
type Router[O any] struct {
	roots map[string]*node[O]
}

type node[O any] struct {
	literal map[string]*node[O]
	label   *node[O]
	greedy  *node[O]
	name    string // label name for label and greedy nodes
	routes  []*boundRoute[O]
}

type boundRoute[O any] struct {
	route *Route[O]
	query []queryLiteral
}

type queryLiteral struct {
	key, value string
	hasValue   bool
}

// NewRouter builds a router over routes.
func NewRouter[O any](routes []Route[O]) *Router[O] {
	rt := &Router[O]{roots: map[string]*node[O]{}}
	for i := range routes {
		rt.add(&routes[i])
	}
	return rt
}

func (rt *Router[O]) add(r *Route[O]) {
	path, rawQuery, _ := strings.Cut(r.URI, "?")
	n := rt.roots[r.Method]
	if n == nil {
		n = &node[O]{}
		rt.roots[r.Method] = n
	}
	for _, seg := range splitPath(path) {
		switch {
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}"):
			if n.greedy == nil {
				n.greedy = &node[O]{name: seg[1 : len(seg)-2]}
			}
			n = n.greedy
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			if n.label == nil {
				n.label = &node[O]{name: seg[1 : len(seg)-1]}
			}
			n = n.label
		default:
			if n.literal == nil {
				n.literal = map[string]*node[O]{}
			}
			child := n.literal[seg]
			if child == nil {
				child = &node[O]{}
				n.literal[seg] = child
			}
			n = child
		}
	}
	b := &boundRoute[O]{route: r}
	if rawQuery != "" {
		for _, kv := range strings.Split(rawQuery, "&") {
			k, v, has := strings.Cut(kv, "=")
			b.query = append(b.query, queryLiteral{key: k, value: v, hasValue: has})
		}
	}
	// Routes with more query literals are more specific: try them first.
	i := len(n.routes)
	for i > 0 && len(n.routes[i-1].query) < len(b.query) {
		i--
	}
	n.routes = append(n.routes, nil)
	copy(n.routes[i+1:], n.routes[i:])
	n.routes[i] = b
}

// Match returns the route of r and its path labels, or ok=false.
func (rt *Router[O]) Match(r *http.Request) (route *Route[O], params Params, ok bool) {
	root := rt.roots[r.Method]
	if root == nil {
		return nil, nil, false
	}
	segs := splitPath(r.URL.EscapedPath())
	var query url.Values
	var found *boundRoute[O]
	var walk func(n *node[O], i int) bool
	walk = func(n *node[O], i int) bool {
		if i == len(segs) {
			for _, b := range n.routes {
				if len(b.query) > 0 && query == nil {
					query = r.URL.Query()
				}
				if b.matchesQuery(query) {
					found = b
					return true
				}
			}
			return false
		}
		seg, err := url.PathUnescape(segs[i])
		if err != nil {
			return false
		}
		if child := n.literal[seg]; child != nil && walk(child, i+1) {
			return true
		}
		if n.label != nil && seg != "" {
			params = append(params, Param{n.label.name, seg})
			if walk(n.label, i+1) {
				return true
			}
			params = params[:len(params)-1]
		}
		if n.greedy != nil {
			// A greedy label takes one segment or more: the fewest that let the
			// rest of the path match what follows it, so that a literal after it
			// is honoured.
			for end := i + 1; end <= len(segs); end++ {
				value, err := url.PathUnescape(strings.Join(segs[i:end], "/"))
				if err != nil || value == "" {
					continue
				}
				params = append(params, Param{n.greedy.name, value})
				if walk(n.greedy, end) {
					return true
				}
				params = params[:len(params)-1]
			}
		}
		return false
	}
	if !walk(root, 0) {
		return nil, nil, false
	}
	return found.route, params, true
}

func (b *boundRoute[O]) matchesQuery(q url.Values) bool {
	for _, lit := range b.query {
		vs, ok := q[lit.key]
		if !ok || (lit.hasValue && (len(vs) == 0 || vs[0] != lit.value)) {
			return false
		}
	}
	return true
}

// splitPath splits "/a/b" into ["a", "b"]; "/" gives no segments.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Codec is one operation's request decoding and response encoding with the types
// erased, for harnesses that drive every operation of a model alike (the
// protocol tests). The generator writes a table of them on request.
type Codec struct {
	// Decode decodes and validates a request; the result is a pointer to the
	// operation's input structure.
	Decode func(req *Request) (any, error)
	// NewOutput returns a pointer to a new output structure, or is nil when the
	// operation has no output.
	NewOutput func() any
	// Encode writes the response for out, a pointer of the type NewOutput
	// returns (nil when the operation has no output).
	Encode func(w http.ResponseWriter, out any) error
}
