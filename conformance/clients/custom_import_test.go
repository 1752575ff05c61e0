package clients_test

import "testing"

// TestBoto3CustomImageImport: ImportCustomWorkspaceImage's stages on the
// clock with DescribeCustomWorkspaceImageImport, a fault ending an import
// in ERROR, and the refusals, as boto3 parses them.
func TestBoto3CustomImageImport(t *testing.T) { runPython(t, "python/custom_import.py") }
