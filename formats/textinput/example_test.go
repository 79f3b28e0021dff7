package textinput_test

import (
	"fmt"
	"strings"

	"github.com/ccc-connectivity/ccc/formats/textinput"
)

func ExampleCheckDelimited() {
	st, err := textinput.CheckDelimited(strings.NewReader("id,name\n1,\"say \"\"hi\"\"\"\n"), "regions.csv", ',', textinput.Limits{})
	fmt.Println(st.Header, st.Rows, err)
	_, err = textinput.CheckDelimited(strings.NewReader("id,name\n1,\"grey\n"), "regions.csv", ',', textinput.Limits{})
	fmt.Println(strings.SplitN(err.Error(), "\n", 2)[0])
	// Output:
	// [id name] 1 <nil>
	// read: regions.csv:2:9: unterminated or misplaced quote: a quoted field must end with " followed by the delimiter or the end of the line
}
