from meeting_server.cli import main

raise SystemExit(main())
