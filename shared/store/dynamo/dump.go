package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Dump visits every stored item as flat JSON of its attributes, with audit entries marked. It
// scans the whole table, so it is for verification (the contract suite proves purges with it)
// and small tables, never for serving requests.
func (s *Store) Dump(ctx context.Context, visit func(audit bool, raw []byte) error) error {
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("dynamo: dump: %w", err)
		}
		for _, it := range page.Items {
			flat := make(map[string]string, len(it))
			for name, v := range it {
				switch v := v.(type) {
				case *types.AttributeValueMemberS:
					flat[name] = v.Value
				case *types.AttributeValueMemberN:
					flat[name] = v.Value
				default:
					return fmt.Errorf("dynamo: dump: attribute %s has unexpected type %T", name, v)
				}
			}
			raw, err := json.Marshal(flat)
			if err != nil {
				return fmt.Errorf("dynamo: dump: %w", err)
			}
			if err := visit(strings.HasPrefix(getS(it, attrPK), "AUDIT#"), raw); err != nil {
				return err
			}
		}
	}
	return nil
}
