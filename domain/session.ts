import { z } from 'zod';
import { permissionSchema, roleSchema } from './permissions';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type User = z.infer<typeof userSchema>;

export const organizationSchema = z.object({ id: z.string(), name: z.string() });
export type Organization = z.infer<typeof organizationSchema>;

export const meSchema = z.object({
  user: userSchema,
  organization: organizationSchema,
  permissions: z.array(permissionSchema),
});
export type Me = z.infer<typeof meSchema>;

export const loginResponseSchema = meSchema.extend({ token: z.string().min(1) });
export type LoginResponse = z.infer<typeof loginResponseSchema>;
