package python

import (
	"fmt"
	"os"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

func dumpTree(src []byte, n *sitter.Node, depth int) {
	field := ""
	_ = field
	for i := 0; i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		f := n.FieldNameForChild(i)
		fmt.Printf("%*s%s%s [%d,%d) named=%v miss=%v %q\n", depth*2, "", f+":", c.Type(), c.StartByte(), c.EndByte(), c.IsNamed(), c.IsMissing(), string(src[c.StartByte():c.EndByte()]))
		dumpTree(src, c, depth+1)
	}
}

func TestProbe(t *testing.T) {
	src := []byte(os.Getenv("SRC"))
	p := sitter.NewParser()
	p.SetLanguage(python.GetLanguage())
	tr := p.Parse(nil, src)
	r := tr.RootNode()
	fmt.Println(r.Type(), r.StartByte(), r.EndByte(), r.HasError())
	dumpTree(src, r, 0)
}
