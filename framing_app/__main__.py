from framing_app.cli import main

raise SystemExit(main())
