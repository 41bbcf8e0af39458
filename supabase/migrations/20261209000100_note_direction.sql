-- Private notes (issue #21): thread entries staff write for each other, never sent to Meta. A direction of their own,
-- so everything that reads replies (`direction = 'outbound'`) or members' messages (`'inbound'`) leaves them out.
-- Alone in its migration: a new enum value cannot be used in the transaction that adds it.
alter type public.message_direction add value if not exists 'note';
