"""Where the web application talks to the world: the services' APIs (:mod:`.services`), the
OpenID provider (:mod:`.identity`), the browser's session cookie (:mod:`.session`) and HTML
(:mod:`.render`)."""
