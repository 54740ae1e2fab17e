from farsiner.cli import main

raise SystemExit(main())
