/** A form-level error (the save failed): announced, shown above the fields. */
import { Alert } from '@mantine/core';

export function FormAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" role="alert">
      {message}
    </Alert>
  );
}
