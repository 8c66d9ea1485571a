"""A generic HTTP provider for text messages and WeChat template messages: one JSON POST per message to the
provider's URL with a bearer token; SMS and WeChat texts are the provider's approved templates, so the template
id of the message's kind and its variables are sent (the text too, for providers that take free text): the
admin's template and variable mapping when there is one (/desk/admin/provider-templates), else the
*_TEMPLATES setting's id with the portal's own variables.

2xx: accepted. 429 and 5xx, timeouts and refused connections: TemporaryFailure (the queue retries). Any other
4xx: PermanentFailure. The message id lets the provider drop a resend of a message it already took."""
import json
import urllib.error
import urllib.request

from portal.channels.base import Message, PermanentFailure, TemporaryFailure


class HttpAdapter:
    name = "http"

    def __init__(self, url: str, token: str | None, templates: dict[str, str], timeout: float = 10.0):
        if not url.startswith(("https://", "http://")):
            raise ValueError("the provider URL must be http(s)")
        self.url, self.token, self.templates, self.timeout = url, token, templates, timeout

    def payload(self, message: Message) -> dict:
        template = message.template_id or self.templates.get(message.kind)
        if self.templates and template is None:
            raise PermanentFailure(f"no template id for {message.kind} on {message.channel}")
        return {"message_id": f"portal-{message.id}", "channel": message.channel, "to": message.recipient,
                "template_id": template, "variables": message.variables, "text": message.body}

    def send(self, message: Message) -> str:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=json.dumps(self.payload(message), ensure_ascii=False).encode(), method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     **({"Authorization": f"Bearer {self.token}"} if self.token else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read(65536)
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 429 or error.code >= 500:
                raise TemporaryFailure(f"provider answered {error.code}") from None
            raise PermanentFailure(f"provider refused the message: {error.code}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise TemporaryFailure(f"provider unreachable: {type(error).__name__}") from None
        return "sent"
